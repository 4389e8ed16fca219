// SPDX-License-Identifier: MIT
#include <durable/core/wranglerobject.h>

#include <durable/core/v8valuedecoder.h>

#include "sqlitecolumn.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>

#include <sqlite3.h>

namespace Durable {

namespace {

QString sqliteMessage(sqlite3 *db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

// Refuses, while a console statement is prepared, what could reach outside the private copy
// (ATTACH) or set something (a pragma with an argument, unless it only reads about its argument).
int authorize(void *, int action, const char *name, const char *argument, const char *,
              const char *)
{
    static const QByteArrayList s_readingPragmas {
        "table_info",  "table_xinfo",      "table_list",        "index_list",      "index_info",
        "index_xinfo", "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check"};
    switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return SQLITE_DENY;
    case SQLITE_PRAGMA:
        return !argument || s_readingPragmas.contains(QByteArray(name).toLower()) ? SQLITE_OK
                                                                                  : SQLITE_DENY;
    default:
        return SQLITE_OK;
    }
}

struct Statement
{
    sqlite3_stmt *stmt = nullptr;
    ~Statement() { sqlite3_finalize(stmt); }
};

} // namespace

struct WranglerObject::Private
{
    QTemporaryDir copyDir;
    sqlite3 *db = nullptr;
    ~Private() { sqlite3_close(db); }

    Error error(const QString &what) const
    {
        return Error(ErrorCode::SqlError, QStringLiteral("%1: %2").arg(what, sqliteMessage(db)));
    }

    // Runs a statement of ours; rows through onRow.
    template<typename OnRow>
    Result<void> each(const QString &sql, OnRow onRow) const
    {
        Statement statement;
        if (sqlite3_prepare_v2(db, sql.toUtf8().constData(), -1, &statement.stmt, nullptr) !=
            SQLITE_OK)
            return error(QStringLiteral("Could not read the object"));
        int rc = SQLITE_ROW;
        while ((rc = sqlite3_step(statement.stmt)) == SQLITE_ROW)
            onRow(statement.stmt);
        if (rc != SQLITE_DONE)
            return error(QStringLiteral("Could not read the object"));
        return {};
    }

    bool hasTable(const QString &name) const
    {
        bool found = false;
        const Result<void> read = each(
            QStringLiteral("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '%1'")
                .arg(name),
            [&found](sqlite3_stmt *) { found = true; });
        return read.ok() && found;
    }
};

WranglerObject::WranglerObject(std::unique_ptr<Private> data, WranglerObjectInfo info)
    : d(std::move(data)), m_info(std::move(info))
{ }

WranglerObject::~WranglerObject() = default;

Result<std::unique_ptr<WranglerObject>> WranglerObject::open(const WranglerObjectInfo &info)
{
    auto data = std::make_unique<Private>();
    if (!data->copyDir.isValid())
        return Error(ErrorCode::Io,
                     QStringLiteral("Could not make a temporary folder to read %1: %2")
                         .arg(info.filePath, data->copyDir.errorString()));
    if (!QFileInfo(info.filePath).isFile())
        return Error(ErrorCode::NotFound, QStringLiteral("%1 does not exist").arg(info.filePath));
    const QString copy = data->copyDir.filePath(QStringLiteral("object.sqlite"));
    // The database and what SQLite needs to see its latest state; never the -shm index, which
    // SQLite rebuilds from the -wal.
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-journal")}) {
        const QString source = info.filePath + suffix;
        if (!QFileInfo::exists(source))
            continue;
        QFile file(source);
        if (!file.open(QIODevice::ReadOnly))
            return Error(ErrorCode::Io,
                         QStringLiteral("Could not read %1: %2").arg(source, file.errorString()));
        QFile target(copy + suffix);
        if (!target.open(QIODevice::WriteOnly))
            return Error(ErrorCode::Io, QStringLiteral("Could not copy %1 to %2: %3")
                                            .arg(source, target.fileName(), target.errorString()));
        // In chunks: an object's file may be large. If workerd writes meanwhile, SQLite's
        // recovery ignores a -wal tail whose frames do not check out.
        while (!file.atEnd()) {
            const QByteArray chunk = file.read(1 << 20);
            if (chunk.isEmpty() && file.error() != QFileDevice::NoError)
                return Error(
                    ErrorCode::Io,
                    QStringLiteral("Could not read %1: %2").arg(source, file.errorString()));
            if (target.write(chunk) != chunk.size())
                return Error(ErrorCode::Io,
                             QStringLiteral("Could not copy %1 to %2: %3")
                                 .arg(source, target.fileName(), target.errorString()));
        }
    }
    // Read-write on the private copy only: SQLite must be able to replay the -wal into it.
    if (sqlite3_open_v2(copy.toUtf8().constData(), &data->db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr) != SQLITE_OK) {
        return Error(
            ErrorCode::Corrupt,
            QStringLiteral("Could not open %1: %2").arg(info.filePath, sqliteMessage(data->db)));
    }
    sqlite3_limit(data->db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_exec(data->db, "PRAGMA query_only = ON", nullptr, nullptr, nullptr);
    // A file that is not SQLite fails here, not on first use.
    if (sqlite3_exec(data->db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr) !=
        SQLITE_OK) {
        return Error(
            ErrorCode::Corrupt,
            QStringLiteral("Could not read %1: %2").arg(info.filePath, sqliteMessage(data->db)));
    }
    return std::unique_ptr<WranglerObject>(new WranglerObject(std::move(data), info));
}

Result<QList<WranglerEntry>> WranglerObject::entries() const
{
    QList<WranglerEntry> entries;
    if (!d->hasTable(QStringLiteral("_cf_KV")))
        return entries;
    const Result<void> read = d->each(
        QStringLiteral("SELECT key, value FROM _cf_KV ORDER BY key"),
        [&entries](sqlite3_stmt *stmt) {
            WranglerEntry entry;
            entry.key = sqliteColumnJson(stmt, 0).toVariant().toString();
            entry.raw = QByteArray(static_cast<const char *>(sqlite3_column_blob(stmt, 1)),
                                   sqlite3_column_bytes(stmt, 1));
            const V8ValueDecoder::Decoded decoded = V8ValueDecoder::decode(entry.raw);
            entry.value = decoded.value;
            entry.error = decoded.error;
            entries.append(entry);
        });
    if (!read)
        return read.error();
    return entries;
}

Result<QList<WranglerTable>> WranglerObject::tables() const
{
    QList<WranglerTable> tables;
    Result<void> read = d->each(
        QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"),
        [&tables](sqlite3_stmt *stmt) {
            WranglerTable table;
            table.name = sqliteColumnJson(stmt, 0).toString();
            table.internal = table.name.startsWith(QLatin1String("_cf_")) ||
                             table.name.startsWith(QLatin1String("sqlite_"));
            tables.append(table);
        });
    if (!read)
        return read.error();
    for (WranglerTable &table : tables) {
        QString quoted = table.name;
        quoted.replace(QLatin1Char('"'), QStringLiteral("\"\""));
        quoted = QLatin1Char('"') + quoted + QLatin1Char('"');
        read = d->each(
            QStringLiteral("SELECT name FROM pragma_table_info(%1)")
                .arg(QLatin1Char('\'') +
                     QString(table.name).replace(QLatin1Char('\''), QStringLiteral("''")) +
                     QLatin1Char('\'')),
            [&table](sqlite3_stmt *stmt) {
                table.columns.append(sqliteColumnJson(stmt, 0).toString());
            });
        if (!read)
            return read.error();
        read = d->each(
            QStringLiteral("SELECT count(*) FROM %1").arg(quoted),
            [&table](sqlite3_stmt *stmt) { table.rowCount = sqlite3_column_int64(stmt, 0); });
        if (!read)
            return read.error();
    }
    return tables;
}

Result<WranglerAlarm> WranglerObject::alarm() const
{
    WranglerAlarm alarm;
    if (!d->hasTable(QStringLiteral("_cf_METADATA")))
        return alarm;
    // Found by experiment (Miniflare 3 / workerd): setAlarm(t) writes row 1 as t in
    // nanoseconds since the epoch; deleteAlarm() sets it to NULL.
    const Result<void> read = d->each(
        QStringLiteral("SELECT value FROM _cf_METADATA WHERE key = 1"),
        [&alarm](sqlite3_stmt *stmt) {
            if (sqlite3_column_type(stmt, 0) != SQLITE_INTEGER)
                return;
            alarm.set = true;
            alarm.rawNanoseconds = sqlite3_column_int64(stmt, 0);
            alarm.timeMs = alarm.rawNanoseconds / 1000000;
        });
    if (!read)
        return read.error();
    return alarm;
}

Result<SqlResult> WranglerObject::query(const QString &sql) const
{
    const QByteArray text = sql.toUtf8();
    Statement statement;
    const char *tail = nullptr;
    sqlite3_set_authorizer(d->db, authorize, nullptr);
    const int prepared = sqlite3_prepare_v2(d->db, text.constData(), int(text.size()),
                                            &statement.stmt, &tail);
    sqlite3_set_authorizer(d->db, nullptr, nullptr);
    if (prepared != SQLITE_OK)
        return Error(ErrorCode::SqlError, sqliteMessage(d->db))
            .withContext(QStringLiteral("sql"), sql);
    if (!statement.stmt)
        return Error(ErrorCode::InvalidArgument, QStringLiteral("no SQL statement to run"));
    if (tail && !QByteArrayView(tail).trimmed().isEmpty() && QByteArrayView(tail).trimmed() != ";")
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("one statement at a time, please (this console runs the "
                                    "first only)"));
    if (!sqlite3_stmt_readonly(statement.stmt))
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("The console is read-only: this statement would change the "
                                    "object (Cloudflare's local state is opened to read only)"))
            .withContext(QStringLiteral("sql"), sql);
    SqlResult result;
    const int columns = sqlite3_column_count(statement.stmt);
    for (int i = 0; i < columns; ++i)
        result.columns.append(QString::fromUtf8(sqlite3_column_name(statement.stmt, i)));
    int rc = SQLITE_ROW;
    while ((rc = sqlite3_step(statement.stmt)) == SQLITE_ROW) {
        QJsonArray row;
        for (int i = 0; i < columns; ++i)
            row.append(sqliteColumnJson(statement.stmt, i));
        result.rows.append(row);
        ++result.rowsRead;
    }
    if (rc != SQLITE_DONE)
        return Error(ErrorCode::SqlError, sqliteMessage(d->db))
            .withContext(QStringLiteral("sql"), sql);
    return result;
}

Result<WranglerObjectSnapshot> WranglerObject::snapshot(const WranglerObjectInfo &info)
{
    auto opened = open(info);
    if (!opened)
        return opened.error();
    const WranglerObject &object = *opened.value();
    WranglerObjectSnapshot snapshot;
    snapshot.info = info;
    auto entries = object.entries();
    if (!entries)
        return entries.error();
    snapshot.entries = std::move(entries).value();
    auto tables = object.tables();
    if (!tables)
        return tables.error();
    snapshot.tables = std::move(tables).value();
    auto alarm = object.alarm();
    if (!alarm)
        return alarm.error();
    snapshot.alarm = alarm.value();
    return snapshot;
}

Result<SqlResult> WranglerObject::query(const WranglerObjectInfo &info, const QString &sql)
{
    auto opened = open(info);
    if (!opened)
        return opened.error();
    return opened.value()->query(sql);
}

} // namespace Durable
