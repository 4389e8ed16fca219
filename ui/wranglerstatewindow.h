// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>
#include <durable/core/wranglertypes.h>

#include <QMainWindow>

#include <optional>

class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTreeView;
class QTreeWidget;

namespace Durable::Ui {

class SqlResultModel;
class WranglerEntryModel;
class WranglerObjectModel;

// A window on Cloudflare's local state (`durable-studio --wrangler-state DIR`), read only: the
// Durable Objects by class on the left; for the chosen one its `_cf_KV` entries with decoded
// values, its tables with a read-only SQL console, and its alarm.
//
// Files are read on the thread pool (there is no engine here, and the GUI thread does no file
// I/O) through core/wrangler, which never writes to the folder; each result carries a
// generation, and a stale one (another object chosen meanwhile) is dropped. GUI thread only.
class WranglerStateWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit WranglerStateWindow(const QString &directory, QWidget *parent = nullptr);

    // Lists the folder's objects again; objectsListed() or errorOccurred() follows.
    void reload();
    // Shows the object of className whose id starts with idPrefix; false if there is none.
    bool selectObject(const QString &className, const QString &idPrefix);
    // Runs sql in the console on the shown object; queryFinished() follows.
    void runQuery(const QString &sql);

    WranglerObjectModel *objectModel() const { return m_objects; }
    WranglerEntryModel *entryModel() const { return m_entries; }
    SqlResultModel *resultModel() const { return m_result; }
    QTabWidget *tabs() const { return m_tabs; }
    QTreeView *objectsView() const { return m_objectsView; }
    QString alarmText() const;
    QString consoleMessage() const;
    std::optional<WranglerObjectInfo> shownObject() const { return m_shown; }

signals:
    void objectsListed(int count);
    void objectShown(const QString &id);
    void queryFinished(bool ok);
    void errorOccurred(const Durable::Error &error);

private:
    void buildUi();
    void showObject(const WranglerObjectInfo &object);
    void fill(const WranglerObjectSnapshot &snapshot);
    void showEntry(const QModelIndex &index);
    void showError(const Error &error);

    QString m_directory;
    std::optional<WranglerObjectInfo> m_shown;
    quint64 m_listGeneration = 0;
    quint64 m_objectGeneration = 0;
    quint64 m_queryGeneration = 0;

    WranglerObjectModel *m_objects = nullptr;
    WranglerEntryModel *m_entries = nullptr;
    SqlResultModel *m_result = nullptr;
    QTreeView *m_objectsView = nullptr;
    QLabel *m_header = nullptr;
    QTabWidget *m_tabs = nullptr;
    QTableView *m_entriesView = nullptr;
    QPlainTextEdit *m_valueText = nullptr;
    QTreeWidget *m_tables = nullptr;
    QLineEdit *m_sql = nullptr;
    QPushButton *m_run = nullptr;
    QLabel *m_consoleMessage = nullptr;
    QTableView *m_resultView = nullptr;
    QLabel *m_alarm = nullptr;
};

} // namespace Durable::Ui
