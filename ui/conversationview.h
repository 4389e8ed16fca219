// SPDX-License-Identifier: MIT
#pragma once

#include <QWidget>
#include <durable/core/error.h>
#include <durable/core/modelcallinfo.h>
#include <durable/core/objectid.h>

class QLabel;
class QTableView;
class QTextBrowser;

namespace Durable {
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class ModelCallModel;
class ModelSourcePicker;

// The Conversation tab: an agent's model calls, oldest first, and the selected call in full:
// its status (pending calls say what they wait on, and the attempt), every message of the
// request (system, user, assistant with tool calls, tool results), the tools offered, the reply
// with finish reason, tokens, latency and model, and a banner when the reply came from the
// scripted model, a cassette replay, the original's recorded reply or an edited one rather than
// a live model. In a sandbox, a pending call gets a ModelSourcePicker under it: recorded, live or
// edited. While a live model streams its reply, the pending call's reply grows as the text
// arrives (ModelDelta events through its model), until the stored reply replaces it.
//
// Reads only while shown (model calls are read on the object's strand, which would wake a
// hibernated object) and follows the change feed through its model. GUI thread only.
class ConversationView : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationView(Inspector *inspector, QWidget *parent = nullptr);

    void setObject(const QString &className, const ObjectId &id);
    ModelCallModel *model() const { return m_model; }
    QTableView *callView() const { return m_view; }
    QTextBrowser *detailView() const { return m_detail; }
    QLabel *summaryLabel() const { return m_summary; }
    ModelSourcePicker *sourcePicker() const { return m_picker; }
    // The call shown in the detail pane ("" when none).
    QString shownCallId() const { return m_shownCallId; }
    void selectCall(const QString &callId);

    // The detail pane's HTML for one call (public so the rendering can be tested on its own);
    // streamed: the reply text streamed so far while the call waits on the model.
    static QString callHtml(const ModelCallInfo &call, const QString &streamed = QString());

signals:
    void errorOccurred(const Durable::Error &error);
    // The detail pane shows a call (again, after it changed) or was cleared.
    void detailShown(const QString &callId);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void callsLoaded();
    void showSelectedCall();
    void updateSummary();

    QString m_className;
    ObjectId m_id;
    bool m_loadWhenShown = false;
    QString m_shownCallId;
    QString m_shownHtml;

    ModelCallModel *m_model;
    QLabel *m_summary;
    QTableView *m_view;
    QTextBrowser *m_detail;
    ModelSourcePicker *m_picker;
};

} // namespace Durable::Ui
