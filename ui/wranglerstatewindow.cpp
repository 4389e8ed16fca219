// SPDX-License-Identifier: MIT
#include "wranglerstatewindow.h"

#include "futures.h"
#include "guithread.h"
#include "sqlresultmodel.h"
#include "wranglerentrymodel.h"
#include "wranglerobjectmodel.h"

#include <durable/core/wranglerobject.h>
#include <durable/core/wranglerstate.h>

#include <QDateTime>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace Durable::Ui {

namespace {

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QString quotedName(QString name)
{
    name.replace(QLatin1Char('"'), QStringLiteral("\"\""));
    return QLatin1Char('"') + name + QLatin1Char('"');
}

} // namespace

WranglerStateWindow::WranglerStateWindow(const QString &directory, QWidget *parent)
    : QMainWindow(parent), m_directory(directory)
{
    setWindowTitle(tr("%1 — Cloudflare local state (read-only)").arg(directory));
    buildUi();
    statusBar()->showMessage(
        tr("Read-only: the folder is read from a private copy; nothing is written to it."));
    resize(1200, 720);
    reload();
}

void WranglerStateWindow::buildUi()
{
    m_objects = new WranglerObjectModel(this);
    m_entries = new WranglerEntryModel(this);
    m_result = new SqlResultModel(this);

    auto *splitter = new QSplitter(this);
    m_objectsView = new QTreeView(splitter);
    m_objectsView->setModel(m_objects);
    m_objectsView->setUniformRowHeights(true);
    m_objectsView->header()->setSectionResizeMode(WranglerObjectModel::NameColumn,
                                                  QHeaderView::ResizeToContents);
    connect(m_objectsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex &current) {
                if (const auto object = m_objects->object(current))
                    showObject(*object);
            });

    auto *right = new QWidget(splitter);
    auto *rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    m_header = new QLabel(tr("Choose an object on the left."), right);
    m_header->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_header->setWordWrap(true);
    rightLayout->addWidget(m_header);
    m_tabs = new QTabWidget(right);
    rightLayout->addWidget(m_tabs);

    // Key/Value: the entries, and the chosen value as indented JSON.
    auto *kv = new QSplitter(Qt::Vertical, m_tabs);
    m_entriesView = new QTableView(kv);
    m_entriesView->setModel(m_entries);
    m_entriesView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_entriesView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_entriesView->verticalHeader()->hide();
    m_entriesView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_entriesView->horizontalHeader()->setSectionResizeMode(WranglerEntryModel::ValueColumn,
                                                            QHeaderView::Stretch);
    m_entriesView->setWordWrap(false);
    connect(m_entriesView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &WranglerStateWindow::showEntry);
    m_valueText = new QPlainTextEdit(kv);
    m_valueText->setReadOnly(true);
    m_valueText->setPlaceholderText(tr("Choose an entry to see its value."));
    kv->setStretchFactor(0, 3);
    kv->setStretchFactor(1, 2);
    m_tabs->addTab(kv, tr("Key/Value"));

    // Tables and the read-only console.
    auto *tablesPage = new QSplitter(Qt::Vertical, m_tabs);
    m_tables = new QTreeWidget(tablesPage);
    m_tables->setHeaderLabels({tr("Table"), tr("Rows"), tr("Owner"), tr("Columns")});
    m_tables->setRootIsDecorated(false);
    connect(m_tables, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem *item) {
        const QString sql =
            QStringLiteral("SELECT * FROM %1 LIMIT 200").arg(quotedName(item->text(0)));
        m_sql->setText(sql);
        runQuery(sql);
    });
    auto *console = new QWidget(tablesPage);
    auto *consoleLayout = new QVBoxLayout(console);
    consoleLayout->setContentsMargins(0, 0, 0, 0);
    auto *inputRow = new QHBoxLayout;
    m_sql = new QLineEdit(console);
    m_sql->setPlaceholderText(tr("SELECT … (read-only; double-click a table to browse it)"));
    m_run = new QPushButton(tr("Run"), console);
    inputRow->addWidget(m_sql);
    inputRow->addWidget(m_run);
    consoleLayout->addLayout(inputRow);
    m_consoleMessage = new QLabel(console);
    m_consoleMessage->setWordWrap(true);
    consoleLayout->addWidget(m_consoleMessage);
    m_resultView = new QTableView(console);
    m_resultView->setModel(m_result);
    m_resultView->verticalHeader()->hide();
    m_resultView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    consoleLayout->addWidget(m_resultView);
    connect(m_run, &QPushButton::clicked, this, [this] { runQuery(m_sql->text()); });
    connect(m_sql, &QLineEdit::returnPressed, this, [this] { runQuery(m_sql->text()); });
    tablesPage->setStretchFactor(0, 1);
    tablesPage->setStretchFactor(1, 2);
    m_tabs->addTab(tablesPage, tr("Tables"));

    m_alarm = new QLabel(m_tabs);
    m_alarm->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_alarm->setMargin(12);
    m_alarm->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_tabs->addTab(m_alarm, tr("Alarm"));

    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({360, 840});
    setCentralWidget(splitter);
}

void WranglerStateWindow::reload()
{
    assertGuiThread(this);
    const quint64 generation = ++m_listGeneration;
    const QString directory = m_directory;
    whenReady(
        QtConcurrent::run([directory] {
            Result<WranglerState> state = WranglerState::open(directory);
            if (!state)
                throw state.error();
            return state->objects();
        }),
        this,
        [this, generation](const QList<WranglerObjectInfo> &objects) {
            if (generation != m_listGeneration)
                return;
            m_objects->setObjects(objects);
            m_objectsView->expandAll();
            // Start on the first object, so the window opens showing something.
            if (!m_shown && m_objects->rowCount() > 0)
                m_objectsView->setCurrentIndex(m_objects->index(0, 0, m_objects->index(0, 0)));
            statusBar()->showMessage(
                tr("%n Durable Object(s) in %1 — read-only", nullptr, int(objects.size()))
                    .arg(m_directory));
            emit objectsListed(int(objects.size()));
        },
        [this, generation](const Error &error) {
            if (generation == m_listGeneration)
                showError(error);
        });
}

bool WranglerStateWindow::selectObject(const QString &className, const QString &idPrefix)
{
    assertGuiThread(this);
    const QModelIndex index = m_objects->find(className, idPrefix);
    if (!index.isValid())
        return false;
    m_objectsView->setCurrentIndex(index);
    return true;
}

void WranglerStateWindow::showObject(const WranglerObjectInfo &object)
{
    m_shown = object;
    m_header->setText(
        tr("<b>%1</b> %2 <span style='color:#8a5a00'>(read-only)</span><br><small>%3 · "
           "script %4</small>")
            .arg(object.className.toHtmlEscaped(), object.id, object.filePath.toHtmlEscaped(),
                 object.scriptName.isEmpty() ? tr("(none)") : object.scriptName.toHtmlEscaped()));
    const quint64 generation = ++m_objectGeneration;
    whenReady(
        QtConcurrent::run([object] {
            Result<WranglerObjectSnapshot> snapshot = WranglerObject::snapshot(object);
            if (!snapshot)
                throw snapshot.error();
            return std::move(snapshot).value();
        }),
        this,
        [this, generation](const WranglerObjectSnapshot &snapshot) {
            if (generation == m_objectGeneration)
                fill(snapshot);
        },
        [this, generation](const Error &error) {
            if (generation == m_objectGeneration)
                showError(error);
        });
}

void WranglerStateWindow::fill(const WranglerObjectSnapshot &snapshot)
{
    m_entries->setEntries(snapshot.entries);
    m_valueText->clear();
    if (!snapshot.entries.isEmpty())
        m_entriesView->selectRow(0);
    m_entriesView->resizeColumnToContents(WranglerEntryModel::KeyColumn);

    m_tables->clear();
    for (const WranglerTable &table : snapshot.tables) {
        auto *item = new QTreeWidgetItem(m_tables,
                                         {table.name, QString::number(table.rowCount),
                                          table.owner(), table.columns.join(QStringLiteral(", "))});
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    }
    for (int column = 0; column < 3; ++column)
        m_tables->resizeColumnToContents(column);
    m_result->clear();
    m_consoleMessage->clear();

    const WranglerAlarm &alarm = snapshot.alarm;
    m_alarm->setText(
        alarm.set ? tr("<p><b>Alarm set for %1</b> (UTC)</p><p>%2 ns since the epoch, row 1 of "
                       "<code>_cf_METADATA</code>.</p>")
                        .arg(timeText(alarm.timeMs))
                        .arg(alarm.rawNanoseconds)
                  : tr("<p><b>No alarm set.</b></p><p>workerd keeps an object's alarm in row 1 "
                       "of <code>_cf_METADATA</code>; this object has none.</p>"));
    m_tabs->setTabText(0, tr("Key/Value (%1)").arg(snapshot.entries.size()));
    m_tabs->setTabText(1, tr("Tables (%1)").arg(snapshot.tables.size()));
    m_tabs->setTabText(2, alarm.set ? tr("Alarm (set)") : tr("Alarm (none)"));
    emit objectShown(snapshot.info.id);
}

void WranglerStateWindow::showEntry(const QModelIndex &index)
{
    if (!index.isValid()) {
        m_valueText->clear();
        return;
    }
    const WranglerEntry &entry = m_entries->entries().at(index.row());
    const QByteArray json = QJsonDocument(QJsonArray {entry.value}).toJson(QJsonDocument::Indented);
    // Unwrap the one-element array QJsonDocument needs.
    QString text = QString::fromUtf8(json).trimmed();
    text = text.mid(1, text.size() - 2).trimmed();
    text.replace(QStringLiteral("\n    "), QStringLiteral("\n"));
    if (!entry.error.isEmpty())
        text += tr("\n\n— Part of this value could not be decoded: %1\nStored bytes: %2")
                    .arg(entry.error, QString::fromLatin1(entry.raw.toHex(' ')));
    m_valueText->setPlainText(QStringLiteral("%1 =\n%2").arg(entry.key, text));
}

void WranglerStateWindow::runQuery(const QString &sql)
{
    assertGuiThread(this);
    if (!m_shown) {
        m_consoleMessage->setText(tr("Choose an object first."));
        emit queryFinished(false);
        return;
    }
    const quint64 generation = ++m_queryGeneration;
    const WranglerObjectInfo object = *m_shown;
    m_consoleMessage->setText(tr("Running…"));
    whenReady(
        QtConcurrent::run([object, sql] {
            Result<SqlResult> result = WranglerObject::query(object, sql);
            if (!result)
                throw result.error();
            return std::move(result).value();
        }),
        this,
        [this, generation](const SqlResult &result) {
            if (generation != m_queryGeneration)
                return;
            m_result->setResult(result);
            m_consoleMessage->setText(tr("%n row(s)", nullptr, int(result.rows.size())));
            emit queryFinished(true);
        },
        [this, generation](const Error &error) {
            if (generation != m_queryGeneration)
                return;
            m_result->clear();
            m_consoleMessage->setText(QStringLiteral("<span style='color:#b03020'>%1</span>")
                                          .arg(error.message().toHtmlEscaped()));
            emit queryFinished(false);
        });
}

QString WranglerStateWindow::alarmText() const
{
    return m_alarm->text();
}

QString WranglerStateWindow::consoleMessage() const
{
    return m_consoleMessage->text();
}

void WranglerStateWindow::showError(const Error &error)
{
    statusBar()->showMessage(error.message());
    m_header->setText(QStringLiteral("<span style='color:#b03020'>%1</span>")
                          .arg(error.message().toHtmlEscaped()));
    emit errorOccurred(error);
}

} // namespace Durable::Ui
