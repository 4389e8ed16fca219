// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/humanrequest.h>
#include <durable/core/inspectiontypes.h>
#include <durable/core/jsonschema.h>

#include <QWidget>

class QAction;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QTextBrowser;
class QWidget;

namespace Durable {
class Clock;
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class InboxModel;

// The inbox: every pending human request across objects (oldest first) beside the selected one
// in full: its Markdown prompt, its context JSON and a button per allowed action, with a text box
// for comments and responses and, for Edit, a JSON editor checked against the request's schema as
// you type. Answers go out through the model (HumanInbox::answer, answered by the local user);
// the answered row leaves at once and the next one is selected. Failures show in red under the
// buttons. Keyboard triage: Alt+Up/Alt+Down previous/next, Ctrl+Return approve,
// Ctrl+Backspace reject. Activating a row asks for its object to be shown. GUI thread only.
class InboxPanel : public QWidget
{
    Q_OBJECT
public:
    InboxPanel(Inspector *inspector, Clock *clock, QWidget *parent = nullptr);

    InboxModel *model() const { return m_model; }
    QTableView *view() const { return m_view; }
    QTextBrowser *promptView() const { return m_prompt; }
    QPlainTextEdit *contextView() const { return m_context; }
    QPlainTextEdit *notesEdit() const { return m_notes; }
    QPlainTextEdit *valueEdit() const { return m_value; }
    QLabel *valueStateLabel() const { return m_valueState; }
    QLabel *errorLabel() const { return m_error; }
    QPushButton *approveButton() const { return m_approve; }
    QPushButton *rejectButton() const { return m_reject; }
    QPushButton *respondButton() const { return m_respond; }
    QPushButton *editButton() const { return m_edit; }
    QAction *previousAction() const { return m_previousAction; }
    QAction *nextAction() const { return m_nextAction; }
    QAction *approveAction() const { return m_approveAction; }
    QAction *rejectAction() const { return m_rejectAction; }

    // The request shown in the details (empty requestId: none).
    HumanRequestInfo currentRequest() const { return m_current; }
    bool selectRequest(const QString &requestId);

    // Who answers: $USER (%USERNAME% on Windows).
    static QString localUserName();
    // One JSON value (scalars too); false with a message naming the place otherwise.
    static bool parseJson(const QString &text, QJsonValue *value, QString *error);

public slots:
    void refresh();
    void selectPrevious();
    void selectNext();
    void approve();
    void reject();
    void respond();
    void submitEdit();
    void focusList();

signals:
    void objectActivated(const QString &className, const Durable::ObjectId &id);
    void countChanged(int pending);

private:
    // Construction steps, in this order.
    void setUpList();
    void setUpDetails();
    void layOut();
    void setUpActions();
    void connectViewAndModel();

    void selectRow(int row);
    void showRequest(int row);
    void send(HumanAction action, const QString &text, const QJsonValue &value = {});
    void validateValue();
    void showError(const QString &text);
    void updateSummary();

    InboxModel *m_model;
    QTableView *m_view;
    QLabel *m_summary;
    QStackedWidget *m_stack;
    QLabel *m_placeholder;
    QLabel *m_title;
    QLabel *m_meta;
    QTextBrowser *m_prompt;
    QPlainTextEdit *m_context;
    QPlainTextEdit *m_notes;
    QWidget *m_valueBox;
    QPlainTextEdit *m_value;
    QLabel *m_valueState;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QPushButton *m_respond;
    QPushButton *m_edit;
    QLabel *m_error;
    QAction *m_previousAction;
    QAction *m_nextAction;
    QAction *m_approveAction;
    QAction *m_rejectAction;
    HumanRequestInfo m_current;
    JsonSchema m_schema;
    QString m_schemaError;
    bool m_wantsValue = false; // the JSON editor is part of the answer
    bool m_valueValid = false;
};

} // namespace Durable::Ui
