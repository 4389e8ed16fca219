// SPDX-License-Identifier: MIT
#include "objectinspector.h"

#include "alarmschedulesview.h"
#include "comparedialog.h"
#include "conversationview.h"
#include "format.h"
#include "futures.h"
#include "keyvaluemodel.h"
#include "pendingcallmodel.h"
#include "repairbanner.h"
#include "sqlresultmodel.h"
#include "stateview.h"
#include "timelineview.h"

#include <durable/core/agentdirectory.h>
#include <durable/core/clock.h>
#include <durable/core/inspector.h>

#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QShortcut>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Durable::Ui {

namespace {

QLabel *valueLabel()
{
    auto *label = new QLabel;
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    return label;
}

} // namespace

ObjectInspector::ObjectInspector(Inspector *inspector, Clock *clock, QWidget *parent)
    : QWidget(parent), m_inspector(inspector), m_clock(clock), m_tabs(new QTabWidget(this)),
      m_title(new QLabel), m_pendingCalls(new PendingCallModel(clock, this)),
      m_stateView(new StateView(inspector)), m_alarmView(new AlarmSchedulesView(inspector, clock)),
      m_sqlResult(new SqlResultModel(this)), m_timeline(new TimelineView(inspector)),
      m_repairBanner(new RepairBanner(inspector)), m_tick(new QTimer(this)),
      m_refreshLater(new QTimer(this))
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.25);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setText(tr("No object selected"));
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_tabs->addTab(buildOverview(), tr("Overview"));
    m_tabs->addTab(m_stateView, tr("State"));
    m_tabs->addTab(buildStorage(), tr("Storage"));
    m_tabs->addTab(m_alarmView, tr("Alarm && Schedules"));
    m_tabs->addTab(m_timeline, tr("Timeline"));
    m_conversation = new ConversationView(inspector);
    m_tabs->addTab(m_conversation, tr("Conversation"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_title);
    layout->addWidget(m_repairBanner);
    layout->addWidget(m_tabs, 1);

    m_tick->setInterval(1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (m_object.nextAlarmMs >= 0 || m_object.lastActiveMs > 0)
            showOverview();
    });
    m_tick->start();
    // A busy object changes many times a second: re-read at most every 300 ms.
    m_refreshLater->setSingleShot(true);
    m_refreshLater->setInterval(300);
    connect(m_refreshLater, &QTimer::timeout, this, &ObjectInspector::refresh);
    connect(inspector, &Inspector::changesAvailable, this, &ObjectInspector::applyChanges);
    if (clock)
        connect(clock, &Clock::timeJumped, m_refreshLater, qOverload<>(&QTimer::start));
    connect(m_stateView, &StateView::errorOccurred, this, &ObjectInspector::report);
    connect(m_repairBanner, &RepairBanner::errorOccurred, this, &ObjectInspector::errorOccurred);
    connect(m_repairBanner, &RepairBanner::repaired, this,
            [this](RepairAction action, const QString &note) {
                emit repaired(note);
                m_object.status = ObjectStatus::Hibernated;
                showOverview();
                // An accepted file has data to show; a reset object has none until called.
                if (action == RepairAction::Accept)
                    refresh();
            });
    connect(m_alarmView, &AlarmSchedulesView::errorOccurred, this, &ObjectInspector::report);
    connect(m_timeline, &TimelineView::errorOccurred, this, &ObjectInspector::report);
    connect(m_timeline, &TimelineView::sandboxCreated, this, &ObjectInspector::sandboxCreated);
    connect(m_conversation, &ConversationView::errorOccurred, this, &ObjectInspector::report);
    setObject({});
}

QWidget *ObjectInspector::buildOverview()
{
    auto *page = new QWidget;
    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight);
    m_idLabel = valueLabel();
    m_idLabel->setFont(monospaceFont());
    m_nameLabel = valueLabel();
    m_classLabel = valueLabel();
    m_classLabel->setObjectName(QStringLiteral("classLabel"));
    m_statusLabel = valueLabel();
    m_stepLabel = valueLabel();
    m_queueLabel = valueLabel();
    m_nextAlarmLabel = valueLabel();
    m_pendingLabel = valueLabel();
    m_callsLabel = valueLabel();
    m_createdLabel = valueLabel();
    m_lastActiveLabel = valueLabel();
    m_forkLabel = valueLabel();
    m_forkLabel->setFont(monospaceFont());
    form->addRow(tr("Id:"), m_idLabel);
    form->addRow(tr("Name:"), m_nameLabel);
    form->addRow(tr("Class:"), m_classLabel);
    form->addRow(tr("Status:"), m_statusLabel);
    form->addRow(tr("Step:"), m_stepLabel);
    form->addRow(tr("Queue depth:"), m_queueLabel);
    form->addRow(tr("Next alarm:"), m_nextAlarmLabel);
    form->addRow(tr("Waiting on a human:"), m_pendingLabel);
    form->addRow(tr("Waiting for replies:"), m_callsLabel);
    form->addRow(tr("Created:"), m_createdLabel);
    form->addRow(tr("Last activity:"), m_lastActiveLabel);
    m_compareButton = new QPushButton(tr("Compare…"));
    m_compareButton->setToolTip(tr("Compare this object's history and state with another of its "
                                   "class: a fork with its origin, or two forks"));
    connect(m_compareButton, &QPushButton::clicked, this, &ObjectInspector::openCompare);
    auto *forkRow = new QHBoxLayout;
    forkRow->addWidget(m_forkLabel, 1);
    forkRow->addWidget(m_compareButton);
    form->addRow(tr("Fork of:"), forkRow);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(buildPendingCalls(), 1);
    layout->addStretch();
    return page;
}

QWidget *ObjectInspector::buildPendingCalls()
{
    auto *view = m_pendingCallView = new QTableView;
    view->setModel(m_pendingCalls);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setAlternatingRowColors(true);
    view->setWordWrap(false);
    view->verticalHeader()->hide();
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->setColumnWidth(PendingCallModel::CalleeColumn, 180);
    view->setColumnWidth(PendingCallModel::ContinuationColumn, 110);
    m_pendingCallBox = new QGroupBox(tr("Calls waiting for a reply"));
    m_pendingCallBox->setToolTip(tr("Durable calls this agent made (callObject, sendTo) that the "
                                    "callee has not answered yet; each is delivered again after a "
                                    "restart until its reply has run"));
    auto *layout = new QVBoxLayout(m_pendingCallBox);
    layout->addWidget(view);
    m_pendingCallBox->hide(); // shown while the object has calls waiting
    return m_pendingCallBox;
}

QWidget *ObjectInspector::buildStorage()
{
    auto *splitter = new QSplitter(Qt::Horizontal);
    m_schemaTree = new QTreeWidget(splitter);
    m_schemaTree->setHeaderLabels({tr("Schema"), tr("Type")});
    m_schemaTree->setColumnWidth(0, 170);
    auto *console = new QWidget(splitter);
    auto *layout = new QVBoxLayout(console);
    layout->setContentsMargins(0, 0, 0, 0);
    m_sqlEdit = new QPlainTextEdit;
    m_sqlEdit->setFont(monospaceFont());
    m_sqlEdit->setPlaceholderText(tr("SELECT … (read-only; Ctrl+Return runs)"));
    m_sqlEdit->setMaximumHeight(m_sqlEdit->fontMetrics().lineSpacing() * 5 + 12);
    m_runButton = new QPushButton(tr("Run"));
    m_runButton->setToolTip(tr("Run the query (Ctrl+Return)"));
    m_sqlStatus = new QLabel;
    m_sqlStatus->setWordWrap(true);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_sqlStatus, 1);
    buttons->addWidget(m_runButton);
    m_sqlView = new QTableView;
    m_sqlView->setModel(m_sqlResult);
    m_sqlView->setAlternatingRowColors(true);
    m_sqlView->setWordWrap(false);
    m_sqlView->verticalHeader()->setDefaultSectionSize(m_sqlView->fontMetrics().height() + 6);
    layout->addWidget(m_sqlEdit);
    layout->addLayout(buttons);
    layout->addWidget(m_sqlView, 1);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    connect(m_runButton, &QPushButton::clicked, this, &ObjectInspector::runQuery);
    auto *shortcut = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_Return), m_sqlEdit);
    shortcut->setContext(Qt::WidgetShortcut);
    connect(shortcut, &QShortcut::activated, this, &ObjectInspector::runQuery);
    connect(m_schemaTree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        while (item->parent())
            item = item->parent();
        const QString type = item->text(1);
        if (type != QLatin1String("table") && type != QLatin1String("view"))
            return;
        m_sqlEdit->setPlainText(
            QStringLiteral("SELECT * FROM \"%1\" LIMIT 200").arg(item->text(0)));
        runQuery();
    });
    return splitter;
}

KeyValueModel *ObjectInspector::keyValueModel() const
{
    return m_stateView->keyValueModel();
}

QTreeWidget *ObjectInspector::stateTree() const
{
    return m_stateView->keyValueTree();
}

QLabel *ObjectInspector::alarmCountdownLabel() const
{
    return m_alarmView->countdownLabel();
}

void ObjectInspector::setObject(const ObjectSummary &object)
{
    const bool sameObject = object.id == m_object.id;
    m_object = object;
    if (!sameObject) {
        m_sqlResult->clear();
        m_sqlStatus->clear();
        m_schemaTree->clear();
        m_sqlEdit->clear();
        showPendingCalls({});
        m_callsLabel->clear(); // not read yet
    }
    setEnabled(!object.id.isNull());
    m_repairBanner->setObject(object.className, object.id, object.status);
    m_timeline->setObject(object.className, object.id, object.name);
    const QString label = QStringLiteral("%1/%2").arg(object.className, object.displayName());
    m_stateView->setObject(object.className, object.id, label);
    m_alarmView->setObject(object.className, object.id, label);
    m_conversation->setObject(object.className, object.id);
    showOverview();
    if (!sameObject)
        refresh();
}

void ObjectInspector::refresh()
{
    const RefreshTracker::Ticket ticket = m_reads.next();
    m_stateView->refresh();
    m_alarmView->refresh();
    if (m_object.id.isNull() || !m_inspector)
        return;
    const QString className = m_object.className;
    const ObjectId id = m_object.id;
    auto report = [this, ticket](const Durable::Error &error) {
        if (m_reads.isCurrent(ticket))
            this->report(error);
    };
    whenReady(
        m_inspector->object(className, id), this,
        [this, ticket](const ObjectSummary &summary) {
            if (!m_reads.isCurrent(ticket))
                return;
            m_object = summary;
            m_repairBanner->setObject(summary.className, summary.id, summary.status);
            showOverview();
            // A busy object's last turn may report before its queue and status settle:
            // look again shortly rather than show it active for good.
            if ((summary.status == ObjectStatus::Active || summary.queueDepth > 0) &&
                !m_refreshLater->isActive())
                m_refreshLater->start();
            emit refreshed();
        },
        report);
    readPendingCalls(ticket);
    whenReady(
        m_inspector->schema(className, id), this,
        [this, ticket](const QList<TableSchema> &tables) {
            if (m_reads.isCurrent(ticket))
                showSchema(tables);
        },
        report);
}

void ObjectInspector::report(const Error &error)
{
    // A quarantined object fails every read: the banner says it once, with the way out.
    if (error.code() == ErrorCode::Quarantined) {
        m_repairBanner->setReason(error);
        m_repairBanner->setObject(m_object.className, m_object.id, ObjectStatus::Quarantined);
        return;
    }
    emit errorOccurred(error);
}

void ObjectInspector::readPendingCalls(RefreshTracker::Ticket ticket)
{
    whenReady(
        m_inspector->agents().pendingCalls(m_object.className, m_object.id), this,
        [this, ticket](const QList<OutgoingCallInfo> &calls) {
            if (m_reads.isCurrent(ticket))
                showPendingCalls(calls);
        },
        [this, ticket](const Durable::Error &error) {
            // An object that is gone has no calls; its other reads report that already.
            if (m_reads.isCurrent(ticket) && error.code() != ErrorCode::NotFound)
                report(error);
        });
}

void ObjectInspector::runQuery()
{
    const QString sql = m_sqlEdit->toPlainText().trimmed();
    if (sql.isEmpty() || m_object.id.isNull() || !m_inspector)
        return;
    const RefreshTracker::Ticket ticket = m_queries.next();
    m_sqlStatus->setStyleSheet(QString());
    m_sqlStatus->setText(tr("Running…"));
    m_runButton->setEnabled(false);
    whenReady(
        m_inspector->query(m_object.className, m_object.id, sql), this,
        [this, ticket](const SqlResult &result) {
            if (!m_queries.isCurrent(ticket))
                return;
            m_runButton->setEnabled(true);
            m_sqlResult->setResult(result);
            m_sqlView->resizeColumnsToContents();
            m_sqlStatus->setText(tr("%n row(s)", nullptr, int(result.rows.size())) +
                                 tr(" · %1 read").arg(result.rowsRead));
        },
        [this, ticket](const Durable::Error &error) {
            if (!m_queries.isCurrent(ticket))
                return;
            m_runButton->setEnabled(true);
            m_sqlResult->clear();
            m_sqlStatus->setStyleSheet(QStringLiteral("color: #b01e1e;"));
            m_sqlStatus->setText(error.message());
        });
}

void ObjectInspector::showOverview()
{
    const ObjectSummary &o = m_object;
    if (o.id.isNull()) {
        m_title->setText(tr("No object selected"));
        for (QLabel *label : {m_idLabel, m_nameLabel, m_classLabel, m_statusLabel, m_stepLabel,
                              m_queueLabel, m_nextAlarmLabel, m_pendingLabel, m_callsLabel,
                              m_createdLabel, m_lastActiveLabel, m_forkLabel})
            label->clear();
        return;
    }
    const qint64 now = m_clock ? m_clock->nowMs() : 0;
    m_title->setText(QStringLiteral("%1 / %2").arg(o.className, o.displayName()));
    m_idLabel->setText(o.id.toString());
    m_nameLabel->setText(o.name.isEmpty() ? tr("(addressed by id)") : o.name);
    // Where the class's code is (a JavaScript file, a package), so an author knows what to edit.
    m_classLabel->setText(o.classSource.isEmpty()
                              ? o.className
                              : tr("%1   <span style=\"color:gray\">code: %2</span>")
                                    .arg(o.className, QFileInfo(o.classSource).fileName()));
    m_classLabel->setToolTip(o.classSource);
    m_statusLabel->setText(QStringLiteral("<span style=\"color:%1\">&#9679;</span> %2")
                               .arg(statusColor(o.status).name(), objectStatusName(o.status)));
    m_stepLabel->setText(o.step.isEmpty() ? QStringLiteral("—") : o.step);
    m_queueLabel->setText(QString::number(o.queueDepth));
    m_nextAlarmLabel->setText(
        o.nextAlarmMs < 0 ? tr("none")
                          : QStringLiteral("%1  (%2)")
                                .arg(timeText(o.nextAlarmMs), countdownText(o.nextAlarmMs, now)));
    m_pendingLabel->setText(QString::number(o.pendingHumanRequests));
    m_createdLabel->setText(timeText(o.createdMs));
    m_lastActiveLabel->setText(
        o.lastActiveMs > 0
            ? QStringLiteral("%1  (%2)").arg(timeText(o.lastActiveMs), agoText(o.lastActiveMs, now))
            : QString());
    m_forkLabel->setText(o.forkOf.isEmpty() ? QStringLiteral("—")
                         : o.forkOf == o.id.toString()
                             ? tr("this object in the original directory, at turn %1 (a "
                                  "sandbox's copy)")
                                   .arg(o.forkSeq)
                             : tr("%1 at turn %2").arg(o.forkOf).arg(o.forkSeq));
}

CompareDialog *ObjectInspector::compareDialog() const
{
    return m_compareDialog;
}

// A fork is compared with its origin; any other object with itself, until another is picked.
void ObjectInspector::openCompare()
{
    if (m_object.id.isNull() || !m_inspector)
        return;
    if (m_object.forkOf == m_object.id.toString()) {
        emit compareWithOriginalRequested(m_object);
        return;
    }
    auto *dialog = new CompareDialog(m_inspector, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_compareDialog = dialog;
    const ObjectSummary self = m_object;
    const Result<ObjectId> origin = ObjectId::fromString(self.forkOf);
    if (self.forkOf.isEmpty() || !origin) {
        dialog->compare(self, self);
    } else {
        whenReady(
            m_inspector->object(self.className, origin.value()), dialog,
            [dialog, self](const ObjectSummary &from) { dialog->compare(from, self); },
            [dialog, self](const Error &) { dialog->compare(self, self); }); // origin deleted
    }
    dialog->show();
}

void ObjectInspector::showPendingCalls(const QList<OutgoingCallInfo> &calls)
{
    m_pendingCalls->setCalls(calls);
    m_callsLabel->setText(m_object.id.isNull() ? QString() : QString::number(calls.size()));
    m_pendingCallBox->setVisible(!calls.isEmpty());
}

void ObjectInspector::showSchema(const QList<TableSchema> &tables)
{
    m_schemaTree->clear();
    // The object's own tables first, the engine's after them.
    QList<TableSchema> ordered;
    for (const TableSchema &table : tables)
        if (!table.name.startsWith(QLatin1String("_durable_")))
            ordered.append(table);
    for (const TableSchema &table : tables)
        if (table.name.startsWith(QLatin1String("_durable_")))
            ordered.append(table);
    for (const TableSchema &table : std::as_const(ordered)) {
        auto *item = new QTreeWidgetItem(m_schemaTree, {table.name, table.type});
        item->setToolTip(0, table.sql);
        item->setFont(0, monospaceFont());
        for (const QString &column : table.columns) {
            auto *child = new QTreeWidgetItem(item, {column});
            child->setFont(0, monospaceFont());
        }
        const bool engineTable = table.name.startsWith(QLatin1String("_durable_"));
        if (engineTable) {
            item->setForeground(0, palette().color(QPalette::Disabled, QPalette::Text));
            item->setToolTip(0, tr("The engine's own table (read-only)\n\n%1").arg(table.sql));
        }
        item->setExpanded(table.type == QLatin1String("table") && !engineTable);
    }
    if (tables.isEmpty())
        new QTreeWidgetItem(m_schemaTree, {tr("(no tables)")});
}

void ObjectInspector::applyChanges(const QList<ChangeEvent> &batch)
{
    if (m_object.id.isNull())
        return;
    using Kind = ChangeEvent::Kind;
    for (const ChangeEvent &event : batch) {
        // Status moves are shown in place: re-reading storage could wake an evicted object.
        if (event.id == m_object.id && event.kind == Kind::ObjectEvicted) {
            m_object.status = ObjectStatus::Hibernated;
            m_object.queueDepth = 0;
            showOverview();
            continue;
        }
        if (event.id == m_object.id && event.kind == Kind::ObjectActivated) {
            m_object.status = ObjectStatus::Active;
            showOverview();
            continue;
        }
        if (event.kind == Kind::Overflow ||
            (event.id == m_object.id &&
             (event.kind == Kind::TurnCompleted || event.kind == Kind::StateChanged ||
              event.kind == Kind::AlarmSet || event.kind == Kind::AlarmFired ||
              event.kind == Kind::AlarmGivenUp || event.kind == Kind::ObjectQuarantined))) {
            if (!m_refreshLater->isActive())
                m_refreshLater->start();
            return;
        }
    }
}

} // namespace Durable::Ui
