// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <durable/core/error.h>
#include <durable/core/modelcallinfo.h>
#include <durable/core/modelsources.h>

#include <memory>

class QButtonGroup;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QRadioButton;

namespace Durable {
class Inspector;
} // namespace Durable

namespace Durable::Ui {

// Under the Conversation tab, in a sandbox: where the selected pending model call's answer
// comes from, the original's recorded reply (the default), the live model, or an edited reply
// that starts from the recorded one. "Answer" saves the choice in the sandbox's
// model-sources.json and sends the call: one waiting for a choice goes at once, one never sent
// (a copy's) is sent now.
//
// Hidden outside a sandbox and for calls that are not waiting on the model. GUI thread only;
// the file is written on a pool thread.
class ModelSourcePicker : public QWidget
{
    Q_OBJECT
public:
    explicit ModelSourcePicker(Inspector *inspector, QWidget *parent = nullptr);

    // The call shown (nothing when not pending on the model or not in a sandbox).
    void setCall(const QString &className, const ObjectId &id, const ModelCallInfo &call);

    QRadioButton *button(ModelSource source) const;
    QPlainTextEdit *editor() const { return m_editor; }
    QPushButton *answerButton() const { return m_answer; }
    QLabel *statusLabel() const { return m_status; }
    // The choice the controls describe now.
    ModelSourceChoice currentChoice() const;

signals:
    void errorOccurred(const Durable::Error &error);
    // The choice was saved and the call sent (sent: how many calls went out now).
    void answered(const QString &callId, int sent);

private:
    void answer();
    void updateControls();
    void showStatus();
    QString key() const;

    Inspector *m_inspector;
    std::shared_ptr<ModelSources> m_sources;
    ModelCallContext m_call;
    bool m_busy = false;

    QButtonGroup *m_group;
    QLabel *m_status;
    QPlainTextEdit *m_editor;
    QPushButton *m_answer;
};

} // namespace Durable::Ui
