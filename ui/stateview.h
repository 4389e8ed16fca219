// SPDX-License-Identifier: MIT
#pragma once

#include "refreshtracker.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/error.h>
#include <durable/core/objectid.h>

#include <QJsonObject>
#include <QPointer>
#include <QVariantList>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;
class QTreeWidget;
class QTreeWidgetItem;

namespace Durable {
class Inspector;
} // namespace Durable

namespace Durable::Ui {

class JsonEditPanel;
class KeyValueModel;

// The "State" tab of the object inspector: the agent's JSON state (AgentDirectory::state; the
// pane shows once there is one) and the key/value entries (a paged table and a JSON tree).
// Double-click or Edit… on any value opens an inline JSON editor validated as you type; applying it
// is an admin-edit turn (the agent state through AgentDirectory::setState, which runs the class's
// validation hook; a key/value entry through Inspector::editState). Refusals are shown inline in
// the tab. GUI thread only.
class StateView : public QWidget
{
    Q_OBJECT
public:
    // Item data role (column 0) holding the path of a tree item's value: object keys (QString)
    // and array indices (int); for key/value items the first element is the key.
    static constexpr int PathRole = Qt::UserRole + 1;

    explicit StateView(Inspector *inspector, QWidget *parent = nullptr);

    void setObject(const QString &className, const ObjectId &id, const QString &label);

    KeyValueModel *keyValueModel() const { return m_keyValues; }
    QTreeWidget *agentStateTree() const { return m_agentTree; }
    QTreeWidget *keyValueTree() const { return m_keyValueTree; }
    JsonEditPanel *editor() const { return m_editor; }
    QLabel *messageLabel() const { return m_message; }
    QPushButton *editButton() const { return m_editButton; }
    QJsonObject agentState() const { return m_agentState; }

public slots:
    void refresh();
    // Open the editor on a value of the agent state ({} path: the whole state) or of a
    // key/value entry (path starts with its key).
    void editAgentState(const QVariantList &path = {});
    void editKeyValue(const QVariantList &path);
    // Edit… : the current item of the tree used last.
    void editCurrent();

signals:
    void errorOccurred(const Durable::Error &error);
    void commandApplied(const QString &message);

private:
    enum class Target { None, AgentState, KeyValue };
    QWidget *buildAgentPane();
    QWidget *buildKeyValuePane();
    void rebuildAgentTree();
    void rebuildKeyValueTree();
    void apply(const QJsonValue &value);
    void showMessage(const QString &text, bool error);
    void editItem(QTreeWidgetItem *item);

    QPointer<Inspector> m_inspector;
    AgentDirectory m_agents;
    QString m_className;
    ObjectId m_id;
    QString m_label;
    QJsonObject m_agentState;
    RefreshTracker m_reads;
    RefreshTracker m_edits;
    Target m_editTarget = Target::None;
    QVariantList m_editPath;
    QTreeWidget *m_lastTree = nullptr;

    QLabel *m_message;
    QPushButton *m_editButton;
    QTreeWidget *m_agentTree;
    QWidget *m_agentPane = nullptr; // shown when the object has an agent state
    KeyValueModel *m_keyValues;
    QTableView *m_keyValueView;
    QTreeWidget *m_keyValueTree;
    JsonEditPanel *m_editor;
};

} // namespace Durable::Ui
