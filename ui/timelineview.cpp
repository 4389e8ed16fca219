// SPDX-License-Identifier: MIT
#include "timelineview.h"

#include "format.h"
#include "futures.h"
#include "journalmodel.h"

#include <durable/core/inspector.h>

#include <QHBoxLayout>
#include <QHash>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace Durable::Ui {

namespace {

constexpr int PreviewChars = 400;

QString valueText(const QJsonValue &value)
{
    return value.isUndefined() ? QString() : jsonPreview(value, PreviewChars);
}

QString changeName(const KeyChange &change)
{
    if (change.before.isUndefined())
        return TimelineView::tr("added");
    if (change.after.isUndefined())
        return TimelineView::tr("removed");
    return TimelineView::tr("changed");
}

QColor changeColor(const KeyChange &change)
{
    if (change.before.isUndefined())
        return QColor(0x1e, 0x7b, 0x34);
    if (change.after.isUndefined())
        return QColor(0xb0, 0x1e, 0x1e);
    return QColor(0x9a, 0x67, 0x00);
}

QWidget *pane(QLabel *label, QWidget *content)
{
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 0, 0, 0);
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(label);
    layout->addWidget(content, 1);
    return page;
}

void showError(QLabel *label, const QString &text)
{
    label->setStyleSheet(QStringLiteral("color: #b01e1e;"));
    label->setText(text);
}

void showInfo(QLabel *label, const QString &text)
{
    label->setStyleSheet(QString());
    label->setText(text);
}

} // namespace

TimelineView::TimelineView(Inspector *inspector, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_model(new JournalModel(inspector, this)),
      m_view(new QTableView), m_stateLabel(new QLabel), m_stateTree(new QTreeWidget),
      m_diffLabel(new QLabel), m_diffTree(new QTreeWidget),
      m_forkButton(new QPushButton(tr("Fork from here…"))),
      m_sandboxButton(new QPushButton(tr("Sandbox from here…"))), m_forkStatus(new QLabel)
{
    m_view->setModel(m_model);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setAlternatingRowColors(true);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    m_view->verticalHeader()->setDefaultSectionSize(m_view->fontMetrics().height() + 6);
    m_view->horizontalHeader()->setSectionResizeMode(JournalModel::ResultColumn,
                                                     QHeaderView::Stretch);
    m_view->setColumnWidth(JournalModel::SeqColumn, 60);
    m_view->setColumnWidth(JournalModel::TimeColumn, 150);
    m_view->setToolTip(tr("Select one turn for its state and changes, or two to compare them"));

    m_stateTree->setHeaderLabels({tr("Key"), tr("Value")});
    m_stateTree->setRootIsDecorated(false);
    m_stateTree->setUniformRowHeights(true);
    m_stateTree->setColumnWidth(0, 160);
    m_diffTree->setHeaderLabels({tr("Key"), tr("Change"), tr("Before"), tr("After")});
    m_diffTree->setUniformRowHeights(true);
    m_diffTree->setColumnWidth(DiffKeyColumn, 160);
    m_diffTree->setColumnWidth(DiffChangeColumn, 150);
    m_diffTree->setColumnWidth(DiffBeforeColumn, 180);

    m_forkButton->setToolTip(tr("Create a new object whose state is this object's state as of the "
                                "selected turn"));
    m_forkStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_forkStatus->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_forkStatus, 1);
    buttons->addWidget(m_forkButton);
    buttons->addWidget(m_sandboxButton);
    m_sandboxButton->setToolTip(
        tr("Copy this object as of the selected turn into a sandbox: a data directory of its own "
           "with its own virtual clock, where its calls to other objects are held. The original "
           "is not touched"));

    auto *details = new QSplitter(Qt::Horizontal);
    details->addWidget(pane(m_stateLabel, m_stateTree));
    details->addWidget(pane(m_diffLabel, m_diffTree));
    details->setStretchFactor(0, 2);
    details->setStretchFactor(1, 3);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_view);
    split->addWidget(details);
    split->setStretchFactor(0, 1);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(buttons);
    layout->addWidget(split, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &TimelineView::selectionChanged);
    // A reload drops the selection without a selectionChanged for the rows that went away.
    connect(m_model, &QAbstractItemModel::modelReset, this, &TimelineView::selectionChanged);
    connect(m_model, &JournalModel::errorOccurred, this, &TimelineView::errorOccurred);
    connect(m_forkButton, &QPushButton::clicked, this, &TimelineView::forkFromSelection);
    connect(m_sandboxButton, &QPushButton::clicked, this, &TimelineView::sandboxFromSelection);
    selectionChanged();
}

void TimelineView::setObject(const QString &className, const ObjectId &id, const QString &name)
{
    m_name = name;
    if (className == m_className && id == m_id)
        return;
    m_className = className;
    m_id = id;
    m_forks.invalidate();
    m_forking = false;
    m_forkStatus->clear();
    if (isVisible() || id.isNull()) {
        m_loadWhenShown = false;
        m_model->setObject(className, id);
    } else {
        m_loadWhenShown = true;
        m_model->setObject(QString(), ObjectId()); // nothing stale meanwhile
    }
}

void TimelineView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (m_loadWhenShown) {
        m_loadWhenShown = false;
        m_model->setObject(m_className, m_id);
    }
}

QList<qint64> TimelineView::selectedSeqs() const
{
    QList<qint64> seqs;
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(JournalModel::SeqColumn);
    for (const QModelIndex &index : rows) {
        if (!index.data(JournalModel::FailedRole).toBool()) // a failed turn has no state of its own
            seqs.append(index.data(JournalModel::SeqRole).toLongLong());
    }
    std::sort(seqs.begin(), seqs.end());
    return seqs;
}

void TimelineView::selectionChanged()
{
    const RefreshTracker::Ticket ticket = m_selections.next();
    m_stateTree->clear();
    m_diffTree->clear();
    updateForkButton();
    const QList<qint64> seqs = selectedSeqs();
    const QModelIndexList rows = m_view->selectionModel()->selectedRows(JournalModel::SeqColumn);
    const bool oneFailure = rows.size() == 1 && m_model->isFailure(rows.constFirst().row());
    if (oneFailure && m_inspector && !m_id.isNull()) {
        showFailure(m_model->failure(rows.constFirst().row()), ticket);
        return;
    }
    if (seqs.isEmpty() || seqs.size() > 2 || !m_inspector || m_id.isNull()) {
        m_partsPending = 0;
        const QString hint = seqs.size() > 2 ? tr("Select one turn, or two to compare them.")
                                             : tr("Select a turn to see its state and changes.");
        showInfo(m_stateLabel, hint);
        showInfo(m_diffLabel, QString());
        return;
    }
    const qint64 to = seqs.constLast();
    const qint64 from = seqs.size() == 2 ? seqs.constFirst() : to - 1;
    showInfo(m_stateLabel, tr("State after turn %1 (loading…)").arg(to));
    showInfo(m_diffLabel, seqs.size() == 2 ? tr("Turn %1 → turn %2 (loading…)").arg(from).arg(to)
                                           : tr("Changes of turn %1 (loading…)").arg(to));
    m_partsPending = 2;
    whenReady(
        m_inspector->stateAt(m_className, m_id, to), this,
        [this, ticket, to](const QList<KeyValue> &state) {
            if (!m_selections.isCurrent(ticket))
                return;
            showInfo(m_stateLabel,
                     tr("State after turn %1: %n key(s)", nullptr, int(state.size())).arg(to));
            showState(state);
            partArrived(ticket);
        },
        [this, ticket, to](const Durable::Error &error) {
            if (!m_selections.isCurrent(ticket))
                return;
            showError(
                m_stateLabel,
                tr("Could not read the state after turn %1: %2").arg(to).arg(error.message()));
            partArrived(ticket);
        });
    const bool pair = seqs.size() == 2;
    whenReady(
        m_inspector->diff(m_className, m_id, from, to), this,
        [this, ticket, from, to, pair](const StateDiff &diff) {
            if (!m_selections.isCurrent(ticket))
                return;
            const QString what = pair ? tr("Turn %1 → turn %2").arg(from).arg(to)
                                      : tr("Changes of turn %1").arg(to);
            showInfo(m_diffLabel, tr("%1: %n key(s)", nullptr, int(diff.keys.size())).arg(what));
            showDiff(diff);
            partArrived(ticket);
        },
        [this, ticket, from, to](const Durable::Error &error) {
            if (!m_selections.isCurrent(ticket))
                return;
            showError(m_diffLabel, tr("Could not compare turn %1 with turn %2: %3")
                                       .arg(from)
                                       .arg(to)
                                       .arg(error.message()));
            partArrived(ticket);
        });
}

void TimelineView::showFailure(const TurnFailure &failure, RefreshTracker::Ticket ticket)
{
    // The turn rolled back: the state is the one after the turn before it, and it changed nothing.
    const qint64 seq = failure.afterSeq;
    showInfo(m_stateLabel,
             tr("State after turn %1, which the failed turn left unchanged (loading…)").arg(seq));
    const QString what = failure.method.isEmpty() ? failure.trigger : failure.method;
    showError(m_diffLabel,
              tr("“%1” failed at %2 UTC and was rolled back: nothing it wrote was kept.")
                  .arg(what, timeText(failure.atMs)));
    auto *error = new QTreeWidgetItem(m_diffTree, {tr("Error"), failure.error});
    error->setForeground(DiffChangeColumn, QColor(0xb0, 0x1e, 0x1e));
    error->setToolTip(DiffChangeColumn, failure.error);
    auto *trigger = new QTreeWidgetItem(m_diffTree, {tr("Trigger"), failure.trigger});
    trigger->setToolTip(DiffChangeColumn, failure.trigger);
    if (!failure.input.isUndefined()) {
        auto *input = new QTreeWidgetItem(m_diffTree, {tr("Input"), valueText(failure.input)});
        input->setFont(DiffChangeColumn, monospaceFont());
        input->setToolTip(DiffChangeColumn, jsonPreview(failure.input, 2000));
    }
    m_partsPending = 1;
    whenReady(
        m_inspector->stateAt(m_className, m_id, seq), this,
        [this, ticket, seq](const QList<KeyValue> &state) {
            if (!m_selections.isCurrent(ticket))
                return;
            showInfo(m_stateLabel, tr("State after turn %1, which the failed turn left "
                                      "unchanged: %n key(s)",
                                      nullptr, int(state.size()))
                                       .arg(seq));
            showState(state);
            partArrived(ticket);
        },
        [this, ticket, seq](const Durable::Error &error) {
            if (!m_selections.isCurrent(ticket))
                return;
            showError(
                m_stateLabel,
                tr("Could not read the state after turn %1: %2").arg(seq).arg(error.message()));
            partArrived(ticket);
        });
}

void TimelineView::partArrived(RefreshTracker::Ticket ticket)
{
    if (m_selections.isCurrent(ticket) && --m_partsPending == 0)
        emit selectionShown();
}

void TimelineView::showState(const QList<KeyValue> &state)
{
    m_stateTree->setUpdatesEnabled(false);
    m_stateTree->clear();
    for (const KeyValue &entry : state) {
        auto *item = new QTreeWidgetItem(m_stateTree,
                                         {stateKeyLabel(entry.key), valueText(entry.value)});
        item->setToolTip(0, entry.key);
        item->setToolTip(1, jsonPreview(entry.value, 2000));
        item->setFont(0, monospaceFont());
        item->setFont(1, monospaceFont());
    }
    m_stateTree->setUpdatesEnabled(true);
}

void TimelineView::showDiff(const StateDiff &diff)
{
    m_diffTree->setUpdatesEnabled(false);
    m_diffTree->clear();
    auto *keys = new QTreeWidgetItem(
        m_diffTree, {tr("Keys"), tr("%n change(s)", nullptr, int(diff.keys.size()))});
    for (const KeyChange &change : diff.keys) {
        auto *item = new QTreeWidgetItem(keys, {stateKeyLabel(change.key), changeName(change),
                                                valueText(change.before), valueText(change.after)});
        item->setToolTip(DiffKeyColumn, change.key);
        item->setForeground(DiffChangeColumn, changeColor(change));
        item->setFont(DiffKeyColumn, monospaceFont());
        item->setFont(DiffBeforeColumn, monospaceFont());
        item->setFont(DiffAfterColumn, monospaceFont());
        item->setToolTip(DiffBeforeColumn, change.before.isUndefined()
                                               ? tr("(did not exist)")
                                               : jsonPreview(change.before, 2000));
        item->setToolTip(DiffAfterColumn, change.after.isUndefined()
                                              ? tr("(removed)")
                                              : jsonPreview(change.after, 2000));
    }
    keys->setExpanded(true);
    auto *tables = new QTreeWidgetItem(
        m_diffTree, {tr("SQL tables"), tr("%n table(s)", nullptr, int(diff.tables.size()))});
    for (const TableChange &table : diff.tables) {
        auto *item = new QTreeWidgetItem(
            tables, {table.table,
                     tr("+%1 ~%2 −%3").arg(table.inserted).arg(table.updated).arg(table.deleted)});
        item->setToolTip(DiffChangeColumn, tr("%1 inserted, %2 updated, %3 deleted")
                                               .arg(table.inserted)
                                               .arg(table.updated)
                                               .arg(table.deleted));
        item->setData(DiffChangeColumn, Qt::UserRole,
                      QVariantList {table.inserted, table.updated, table.deleted});
        item->setFont(DiffKeyColumn, monospaceFont());
    }
    tables->setExpanded(true);
    m_diffTree->setUpdatesEnabled(true);
}

void TimelineView::updateForkButton()
{
    const bool one = !m_forking && !m_id.isNull() && selectedSeqs().size() == 1;
    m_forkButton->setEnabled(one);
    m_sandboxButton->setEnabled(one);
}

void TimelineView::forkFromSelection()
{
    const QList<qint64> seqs = selectedSeqs();
    if (seqs.size() != 1 || m_forking)
        return;
    const qint64 seq = seqs.constFirst();
    const QString suggested = m_name.isEmpty() ? QStringLiteral("fork-at-%1").arg(seq)
                                               : QStringLiteral("%1-at-%2").arg(m_name).arg(seq);
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("Fork from turn %1").arg(seq),
                                               tr("Name of the new %1:").arg(m_className),
                                               QLineEdit::Normal, suggested, &ok)
                             .trimmed();
    if (ok && !name.isEmpty())
        forkFrom(seq, name);
}

void TimelineView::forkFrom(qint64 seq, const QString &newName)
{
    if (!m_inspector || m_id.isNull() || m_forking)
        return;
    const RefreshTracker::Ticket ticket = m_forks.current();
    m_forking = true;
    updateForkButton();
    setForkStatus(tr("Forking “%1” from turn %2…").arg(newName).arg(seq), false);
    whenReady(
        m_inspector->fork(m_className, m_id, seq, newName), this,
        [this, ticket, newName, seq](const ObjectId &id) {
            if (m_forks.isCurrent(ticket)) {
                m_forking = false;
                updateForkButton();
                setForkStatus(
                    tr("Forked from turn %1 as “%2” (%3)").arg(seq).arg(newName, id.toString()),
                    false);
            }
            emit forked(id, newName);
        },
        [this, ticket, newName, seq](const Durable::Error &error) {
            if (!m_forks.isCurrent(ticket)) {
                emit errorOccurred(error); // its object is no longer shown
                return;
            }
            m_forking = false;
            updateForkButton();
            setForkStatus(
                tr("Could not fork turn %1 as “%2”: %3").arg(seq).arg(newName, error.message()),
                true);
        });
}

void TimelineView::sandboxFromSelection()
{
    const QList<qint64> seqs = selectedSeqs();
    if (seqs.size() != 1 || m_forking)
        return;
    const qint64 seq = seqs.constFirst();
    const QString suggested = QStringLiteral("%1-at-%2")
                                  .arg(m_name.isEmpty() ? m_id.toString().left(8) : m_name)
                                  .arg(seq);
    bool ok = false;
    const QString name = QInputDialog::getText(
                             this, tr("Sandbox from turn %1").arg(seq),
                             tr("Name of the sandbox (letters, digits, '-', '_', '.'):"),
                             QLineEdit::Normal, suggested, &ok)
                             .trimmed();
    if (ok && !name.isEmpty())
        sandboxFrom(seq, name);
}

void TimelineView::sandboxFrom(qint64 seq, const QString &name)
{
    if (!m_inspector || m_id.isNull() || m_forking)
        return;
    m_forking = true;
    updateForkButton();
    setForkStatus(tr("Copying turn %1 into sandbox “%2”…").arg(seq).arg(name), false);
    whenReady(
        m_inspector->sandbox(m_className, m_id, seq, name), this,
        [this, seq, name](const SandboxInfo &sandbox) {
            m_forking = false;
            updateForkButton();
            setForkStatus(tr("Sandbox “%1” holds this object as of turn %2").arg(name).arg(seq),
                          false);
            emit sandboxCreated(sandbox);
        },
        [this, seq, name](const Durable::Error &error) {
            m_forking = false;
            updateForkButton();
            setForkStatus(tr("Could not make sandbox “%1” from turn %2: %3")
                              .arg(name)
                              .arg(seq)
                              .arg(error.message()),
                          true);
        });
}

void TimelineView::setForkStatus(const QString &text, bool failed)
{
    if (failed)
        showError(m_forkStatus, text);
    else
        showInfo(m_forkStatus, text);
}

} // namespace Durable::Ui
