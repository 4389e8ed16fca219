// SPDX-License-Identifier: MIT
#include "stateview.h"

#include "format.h"
#include "futures.h"
#include "jsoneditpanel.h"
#include "keyvaluemodel.h"

#include <durable/core/inspector.h>

#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

QString typeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return QString();
}

bool isIndex(const QVariant &step)
{
    return step.typeId() == QMetaType::Int;
}

// Arrays and objects become children; scalars show their compact JSON. Every item knows the
// path of its value, so a double-click can edit it in place.
void addJson(QTreeWidgetItem *item, const QJsonValue &value, const QVariantList &path,
             int depth = 0)
{
    item->setData(0, StateView::PathRole, path);
    item->setText(2, typeName(value));
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        item->setText(1, QStringLiteral("{%1}").arg(object.size()));
        for (auto it = object.begin(); it != object.end(); ++it) {
            auto *child = new QTreeWidgetItem(item, {it.key()});
            addJson(child, it.value(), QVariantList(path) << it.key(), depth + 1);
        }
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        item->setText(1, QStringLiteral("[%1]").arg(array.size()));
        for (qsizetype i = 0; i < array.size(); ++i) {
            auto *child = new QTreeWidgetItem(item, {QStringLiteral("[%1]").arg(i)});
            addJson(child, array.at(i), QVariantList(path) << int(i), depth + 1);
        }
    } else {
        item->setText(1, jsonPreview(value, 400));
    }
    item->setFont(0, monospaceFont());
    item->setFont(1, monospaceFont());
    item->setExpanded(depth < 1);
}

QJsonValue valueAt(const QJsonValue &root, const QVariantList &path, qsizetype from = 0)
{
    QJsonValue value = root;
    for (qsizetype i = from; i < path.size(); ++i)
        value = isIndex(path.at(i)) ? value.toArray().at(path.at(i).toInt())
                                    : value.toObject().value(path.at(i).toString());
    return value;
}

// root with the value at path (from element `from` on) replaced.
QJsonValue withValueAt(const QJsonValue &root, const QVariantList &path, const QJsonValue &value,
                       qsizetype from = 0)
{
    if (from >= path.size())
        return value;
    const QVariant &step = path.at(from);
    if (isIndex(step)) {
        QJsonArray array = root.toArray();
        const int index = step.toInt();
        if (index >= 0 && index < array.size())
            array[index] = withValueAt(array.at(index), path, value, from + 1);
        return array;
    }
    QJsonObject object = root.toObject();
    object.insert(step.toString(),
                  withValueAt(object.value(step.toString()), path, value, from + 1));
    return object;
}

QString pathText(const QVariantList &path, qsizetype from = 0)
{
    QString text;
    for (qsizetype i = from; i < path.size(); ++i) {
        if (isIndex(path.at(i)))
            text += QStringLiteral("[%1]").arg(path.at(i).toInt());
        else
            text += (text.isEmpty() ? QString() : QStringLiteral(".")) + path.at(i).toString();
    }
    return text;
}

QTreeWidget *jsonTree()
{
    auto *tree = new QTreeWidget;
    tree->setHeaderLabels({StateView::tr("Key"), StateView::tr("Value"), StateView::tr("Type")});
    tree->setUniformRowHeights(true);
    tree->setColumnWidth(0, 200);
    tree->setColumnWidth(1, 280);
    tree->setToolTip(StateView::tr("Double-click a value to edit it"));
    return tree;
}

QWidget *titled(const QString &title, QWidget *content)
{
    auto *pane = new QWidget;
    auto *layout = new QVBoxLayout(pane);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *label = new QLabel(title);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return pane;
}

} // namespace

StateView::StateView(Inspector *inspector, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_agents(inspector->agents()), m_message(new QLabel),
      m_editButton(new QPushButton(tr("Edit…"))), m_agentTree(jsonTree()),
      m_keyValues(new KeyValueModel(inspector, this)), m_keyValueView(new QTableView),
      m_keyValueTree(jsonTree()), m_editor(new JsonEditPanel)
{
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();
    m_editButton->setToolTip(tr("Edit the selected value (or the whole agent state) as JSON"));
    m_editor->hide();

    auto *top = new QHBoxLayout;
    top->addWidget(m_message, 1);
    top->addStretch(0);
    top->addWidget(m_editButton);

    auto *splitter = new QSplitter(Qt::Vertical);
    splitter->addWidget(buildAgentPane());
    splitter->addWidget(buildKeyValuePane());
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);

    // Below the trees, not in the splitter: a splitter keeps a hidden pane's zero height.
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter, 1);
    layout->addWidget(m_editor);

    connect(m_editButton, &QPushButton::clicked, this, &StateView::editCurrent);
    connect(m_editor, &JsonEditPanel::applyRequested, this, &StateView::apply);
    connect(m_editor, &JsonEditPanel::cancelled, this, [this] { m_editTarget = Target::None; });
    connect(m_keyValues, &KeyValueModel::pageLoaded, this, &StateView::rebuildKeyValueTree);
    connect(m_keyValues, &KeyValueModel::errorOccurred, this, [this](const Durable::Error &error) {
        if (error.code() != ErrorCode::NotFound)
            emit errorOccurred(error);
    });
    for (QTreeWidget *tree : {m_agentTree, m_keyValueTree}) {
        connect(tree, &QTreeWidget::itemDoubleClicked, this, &StateView::editItem);
        connect(tree, &QTreeWidget::currentItemChanged, this, [this, tree] { m_lastTree = tree; });
    }
}

QWidget *StateView::buildAgentPane()
{
    m_agentPane = titled(tr("Agent state"), m_agentTree);
    m_agentPane->hide();
    return m_agentPane;
}

QWidget *StateView::buildKeyValuePane()
{
    auto *splitter = new QSplitter(Qt::Vertical);
    m_keyValueView->setModel(m_keyValues);
    m_keyValueView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_keyValueView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_keyValueView->setAlternatingRowColors(true);
    m_keyValueView->setWordWrap(false);
    m_keyValueView->verticalHeader()->hide();
    m_keyValueView->horizontalHeader()->setSectionResizeMode(KeyValueModel::ValueColumn,
                                                             QHeaderView::Stretch);
    m_keyValueView->setColumnWidth(KeyValueModel::KeyColumn, 160);
    splitter->addWidget(m_keyValueView);
    splitter->addWidget(m_keyValueTree);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 2);
    connect(m_keyValueView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                const QString key = current.data(KeyValueModel::KeyRole).toString();
                for (int i = 0; i < m_keyValueTree->topLevelItemCount(); ++i) {
                    QTreeWidgetItem *item = m_keyValueTree->topLevelItem(i);
                    if (item->text(0) == key) {
                        item->setExpanded(true);
                        m_keyValueTree->setCurrentItem(item);
                        m_keyValueTree->scrollToItem(item, QAbstractItemView::PositionAtTop);
                        break;
                    }
                }
            });
    connect(m_keyValueView, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        editKeyValue({index.data(KeyValueModel::KeyRole).toString()});
    });
    return titled(tr("Key/value storage"), splitter);
}

void StateView::setObject(const QString &className, const ObjectId &id, const QString &label)
{
    if (id == m_id && className == m_className)
        return;
    m_reads.invalidate();
    m_edits.invalidate();
    m_className = className;
    m_id = id;
    m_label = label;
    m_agentState = {};
    m_editTarget = Target::None;
    m_editor->hide();
    m_message->hide();
    m_agentTree->clear();
    m_agentPane->hide();
    m_lastTree = nullptr;
    m_keyValueTree->clear();
    m_keyValues->setObject(QString(), ObjectId());
}

void StateView::refresh()
{
    const RefreshTracker::Ticket ticket = m_reads.next();
    if (m_id.isNull() || !m_inspector) {
        m_keyValues->setObject(QString(), ObjectId());
        return;
    }
    m_keyValues->setObject(m_className, m_id);
    whenReady(
        m_agents.state(m_className, m_id), this,
        [this, ticket](const QJsonObject &state) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_agentState = state;
            rebuildAgentTree();
        },
        [this, ticket](const Durable::Error &error) {
            if (m_reads.isCurrent(ticket) && error.code() != ErrorCode::NotFound)
                emit errorOccurred(error);
        });
}

void StateView::rebuildAgentTree()
{
    m_agentTree->setUpdatesEnabled(false);
    m_agentTree->clear();
    auto *root = new QTreeWidgetItem(m_agentTree, {tr("state")});
    addJson(root, m_agentState, {});
    root->setExpanded(true);
    m_agentTree->setUpdatesEnabled(true);
    // Objects that are not agents (and agents that never stored a state) have none to show.
    m_agentPane->setVisible(!m_agentState.isEmpty());
}

void StateView::rebuildKeyValueTree()
{
    m_keyValueTree->setUpdatesEnabled(false);
    m_keyValueTree->clear();
    const QList<KeyValue> entries = m_keyValues->entries();
    for (const KeyValue &entry : entries) {
        auto *item = new QTreeWidgetItem(m_keyValueTree, {entry.key});
        addJson(item, entry.value, {entry.key});
    }
    m_keyValueTree->setUpdatesEnabled(true);
}

void StateView::editItem(QTreeWidgetItem *item)
{
    if (!item)
        return;
    const QVariantList path = item->data(0, PathRole).toList();
    if (item->treeWidget() == m_agentTree)
        editAgentState(path);
    else if (!path.isEmpty())
        editKeyValue(path);
}

void StateView::editCurrent()
{
    QTreeWidget *tree = m_lastTree                 ? m_lastTree
                        : m_agentPane->isVisible() ? m_agentTree
                                                   : m_keyValueTree;
    if (QTreeWidgetItem *item = tree->currentItem())
        editItem(item);
    else if (tree == m_agentTree)
        editAgentState({});
    else
        showMessage(tr("Select a value to edit"), false);
}

void StateView::editAgentState(const QVariantList &path)
{
    if (m_id.isNull())
        return;
    m_editTarget = Target::AgentState;
    m_editPath = path;
    const QString title = path.isEmpty()
                              ? tr("Edit the agent state of %1").arg(m_label)
                              : tr("Edit %1 in the agent state of %2").arg(pathText(path), m_label);
    m_editor->edit(title, valueAt(m_agentState, path), path.isEmpty());
}

void StateView::editKeyValue(const QVariantList &path)
{
    if (m_id.isNull() || path.isEmpty())
        return;
    const QString key = path.first().toString();
    const QList<KeyValue> entries = m_keyValues->entries();
    const auto entry = std::find_if(entries.cbegin(), entries.cend(),
                                    [&key](const KeyValue &kv) { return kv.key == key; });
    if (entry == entries.cend())
        return;
    m_editTarget = Target::KeyValue;
    m_editPath = path;
    const QString title =
        path.size() == 1 ? tr("Edit key \"%1\" of %2").arg(key, m_label)
                         : tr("Edit %1 in key \"%2\" of %3").arg(pathText(path, 1), key, m_label);
    m_editor->edit(title, valueAt(entry->value, path, 1), false);
}

void StateView::apply(const QJsonValue &value)
{
    if (m_id.isNull() || !m_inspector || m_editTarget == Target::None)
        return;
    QFuture<qint64> applied;
    if (m_editTarget == Target::AgentState) {
        const QJsonValue next = withValueAt(m_agentState, m_editPath, value);
        applied = m_agents.setState(m_className, m_id, next.toObject());
    } else {
        const QString key = m_editPath.first().toString();
        const QList<KeyValue> entries = m_keyValues->entries();
        const auto entry = std::find_if(entries.cbegin(), entries.cend(),
                                        [&key](const KeyValue &kv) { return kv.key == key; });
        const QJsonValue current = entry == entries.cend() ? QJsonValue() : entry->value;
        applied = m_inspector->editState(
            m_className, m_id, QJsonObject {{key, withValueAt(current, m_editPath, value, 1)}});
    }
    m_editor->setBusy(true);
    const RefreshTracker::Ticket ticket = m_edits.current();
    whenReady(
        applied, this,
        [this, ticket](qint64 seq) {
            if (!m_edits.isCurrent(ticket))
                return;
            m_editor->setBusy(false);
            m_editor->hide();
            m_editTarget = Target::None;
            const QString message = tr("Applied as turn %1 (admin-edit)").arg(seq);
            showMessage(message, false);
            emit commandApplied(message);
            refresh();
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_edits.isCurrent(ticket))
                return;
            m_editor->showError(error.message());
            showMessage(error.message(), true);
        });
}

void StateView::showMessage(const QString &text, bool error)
{
    m_message->setStyleSheet(error ? QStringLiteral("color: #b01e1e; font-weight: bold;")
                                   : QStringLiteral("color: #2e7d32;"));
    m_message->setText(text);
    m_message->setVisible(!text.isEmpty());
}

} // namespace Durable::Ui
