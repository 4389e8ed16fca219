// SPDX-License-Identifier: MIT
#include "wranglerinspect.h"

#include "commandline.h"
#include "exitcode.h"

#include <durable/core/v8valuedecoder.h>
#include <durable/core/wranglerobject.h>
#include <durable/core/wranglerstate.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace Durable::Cli {

namespace {

int dataError(const Error &error)
{
    CommandLine::printErr(QStringLiteral("durable inspect: %1").arg(error.message()));
    return exitStatus(ExitCode::EngineError);
}

QJsonObject objectJson(const WranglerObjectInfo &object)
{
    return {{QStringLiteral("class"), object.className},
            {QStringLiteral("script"), object.scriptName},
            {QStringLiteral("folder"), object.directoryName},
            {QStringLiteral("id"), object.id},
            {QStringLiteral("file"), object.filePath},
            {QStringLiteral("bytes"), object.sizeBytes}};
}

QString timeText(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}

QJsonObject alarmJson(const WranglerAlarm &alarm)
{
    if (!alarm.set)
        return {{QStringLiteral("set"), false}};
    return {{QStringLiteral("set"), true},
            {QStringLiteral("time"), timeText(alarm.timeMs)},
            {QStringLiteral("timeMs"), alarm.timeMs},
            {QStringLiteral("nanoseconds"), QString::number(alarm.rawNanoseconds)}};
}

int printObjects(const WranglerState &state, bool asJson)
{
    QJsonArray list;
    QList<QStringList> rows;
    for (const WranglerObjectInfo &object : state.objects()) {
        list.append(objectJson(object));
        rows.append({object.className,
                     object.scriptName.isEmpty() ? QStringLiteral("-") : object.scriptName,
                     object.id, QString::number(object.sizeBytes)});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("CLASS"), QStringLiteral("SCRIPT"),
                                      QStringLiteral("ID"), QStringLiteral("BYTES")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

int printObject(const WranglerObjectSnapshot &snapshot, bool asJson)
{
    if (asJson) {
        QJsonObject storage;
        QJsonObject undecoded;
        for (const WranglerEntry &entry : snapshot.entries) {
            storage.insert(entry.key, entry.value);
            if (!entry.error.isEmpty())
                undecoded.insert(entry.key, entry.error);
        }
        QJsonObject json = objectJson(snapshot.info);
        json.insert(QStringLiteral("storage"), storage);
        if (!undecoded.isEmpty())
            json.insert(QStringLiteral("undecoded"), undecoded);
        json.insert(QStringLiteral("alarm"), alarmJson(snapshot.alarm));
        CommandLine::printJson(json);
        return exitStatus(ExitCode::Ok);
    }
    QList<QStringList> rows;
    for (const WranglerEntry &entry : snapshot.entries) {
        QString text = V8ValueDecoder::toText(entry.value);
        if (!entry.error.isEmpty())
            text += QStringLiteral("  (undecoded: %1)").arg(entry.error);
        rows.append({entry.key, text});
    }
    CommandLine::printOut(
        QStringLiteral("%1 %2 (%3)\nalarm: %4\n")
            .arg(snapshot.info.className, snapshot.info.id, snapshot.info.directoryName,
                 snapshot.alarm.set ? timeText(snapshot.alarm.timeMs) : QStringLiteral("none")));
    CommandLine::printTable({QStringLiteral("KEY"), QStringLiteral("VALUE")}, rows);
    return exitStatus(ExitCode::Ok);
}

int printTables(const WranglerObjectSnapshot &snapshot, bool asJson)
{
    QJsonArray list;
    QList<QStringList> rows;
    for (const WranglerTable &table : snapshot.tables) {
        list.append(
            QJsonObject {{QStringLiteral("name"), table.name},
                         {QStringLiteral("columns"), QJsonArray::fromStringList(table.columns)},
                         {QStringLiteral("rows"), table.rowCount},
                         {QStringLiteral("owner"), table.owner()}});
        rows.append({table.name, QString::number(table.rowCount),
                     table.columns.join(QStringLiteral(", ")), table.owner()});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("TABLE"), QStringLiteral("ROWS"),
                                      QStringLiteral("COLUMNS"), QStringLiteral("OWNER")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

int printAlarm(const WranglerObjectSnapshot &snapshot, bool asJson)
{
    if (asJson)
        CommandLine::printJson(alarmJson(snapshot.alarm));
    else
        CommandLine::printOut(snapshot.alarm.set
                                  ? QStringLiteral("%1 (%2 ns since the epoch in _cf_METADATA)")
                                        .arg(timeText(snapshot.alarm.timeMs))
                                        .arg(snapshot.alarm.rawNanoseconds)
                                  : QStringLiteral("no alarm"));
    return exitStatus(ExitCode::Ok);
}

int printSql(const SqlResult &result, bool asJson)
{
    if (asJson) {
        QJsonArray rows;
        for (const QJsonArray &row : result.rows)
            rows.append(row);
        CommandLine::printJson(
            QJsonObject {{QStringLiteral("columns"), QJsonArray::fromStringList(result.columns)},
                         {QStringLiteral("rows"), rows}});
        return exitStatus(ExitCode::Ok);
    }
    QList<QStringList> rows;
    for (const QJsonArray &row : result.rows) {
        QStringList cells;
        for (const QJsonValue &cell : row)
            cells.append(cell.isString() ? cell.toString() : V8ValueDecoder::toText(cell));
        rows.append(cells);
    }
    CommandLine::printTable(result.columns, rows);
    return exitStatus(ExitCode::Ok);
}

} // namespace

QString WranglerInspect::viewsHelp()
{
    return QStringLiteral("With --wrangler-state DIR (a .wrangler/state or Miniflare persist "
                          "folder, read only): objects, object CLASS ID, tables CLASS ID, sql "
                          "CLASS ID \"SELECT ...\", alarm CLASS ID (ID: the id or a unique "
                          "prefix).");
}

int WranglerInspect::run(const CommandLine &cli, const QString &directory, const QStringList &args,
                         bool asJson)
{
    const QStringList views {QStringLiteral("objects"), QStringLiteral("object"),
                             QStringLiteral("tables"), QStringLiteral("sql"),
                             QStringLiteral("alarm")};
    if (args.isEmpty())
        return cli.usageError(QStringLiteral("which view of the wrangler state? %1")
                                  .arg(views.join(QStringLiteral(", "))));
    const QString view = args.first();
    if (!views.contains(view))
        return cli.usageError(
            QStringLiteral("unknown view \"%1\" with --wrangler-state (one of %2)")
                .arg(view, views.join(QStringLiteral(", "))));
    const qsizetype wanted = view == QLatin1String("objects") ? 1
                             : view == QLatin1String("sql")   ? 4
                                                              : 3;
    if (args.size() != wanted) {
        return cli.usageError(
            view == QLatin1String("sql")       ? QStringLiteral("sql needs CLASS ID \"SELECT ...\"")
            : view == QLatin1String("objects") ? QStringLiteral("objects takes no argument")
                                               : QStringLiteral("%1 needs CLASS ID").arg(view));
    }
    const Result<WranglerState> state = WranglerState::open(directory);
    if (!state)
        return dataError(state.error());
    if (view == QLatin1String("objects"))
        return printObjects(state.value(), asJson);
    const Result<WranglerObjectInfo> object = state->find(args.at(1), args.at(2));
    if (!object)
        return dataError(object.error());
    if (view == QLatin1String("sql")) {
        const Result<SqlResult> result = WranglerObject::query(object.value(), args.at(3));
        if (!result)
            return dataError(result.error());
        return printSql(result.value(), asJson);
    }
    const Result<WranglerObjectSnapshot> snapshot = WranglerObject::snapshot(object.value());
    if (!snapshot)
        return dataError(snapshot.error());
    if (view == QLatin1String("object"))
        return printObject(snapshot.value(), asJson);
    if (view == QLatin1String("tables"))
        return printTables(snapshot.value(), asJson);
    return printAlarm(snapshot.value(), asJson);
}

} // namespace Durable::Cli
