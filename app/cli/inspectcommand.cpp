// SPDX-License-Identifier: MIT
#include "inspectcommand.h"

#include "awaitresult.h"
#include "branchcompareview.h"
#include "commandline.h"
#include "enginesession.h"
#include "exitcode.h"
#include "inspectionjson.h"
#include "journalreader.h"
#include "objectdetail.h"
#include "wranglerinspect.h"
#include <durable/core/jsonmatch.h>

#include <durable/core/agentpackageloader.h>
#include <durable/core/engine.h>
#include <durable/core/humaninbox.h>
#include <durable/core/inspector.h>
#include <durable/core/sandboxes.h>
#include <durable/core/virtualclock.h>

#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace Durable::Cli {

namespace {

QString timeText(qint64 ms)
{
    return ms < 0 ? QStringLiteral("-")
                  : QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

int dataError(const Error &error)
{
    CommandLine::printErr(QStringLiteral("durable inspect: %1").arg(error.message()));
    return exitStatus(ExitCode::EngineError);
}

// Usage error for a missing, unknown or wrongly-argued view; nullopt when args name a view.
std::optional<int> checkView(const CommandLine &cli, const QStringList &args, bool inSandbox)
{
    if (args.isEmpty())
        return cli.usageError(QStringLiteral(
            "which view? classes, objects, object, journal, compare, alarms or inbox"));
    const QString view = args.first();
    const QStringList views {QStringLiteral("classes"), QStringLiteral("objects"),
                             QStringLiteral("object"),  QStringLiteral("journal"),
                             QStringLiteral("compare"), QStringLiteral("alarms"),
                             QStringLiteral("inbox")};
    if (!views.contains(view))
        return cli.usageError(QStringLiteral("unknown view \"%1\" (one of %2)")
                                  .arg(view, views.join(QStringLiteral(", "))));
    const bool needsObject = view == QLatin1String("object") || view == QLatin1String("journal");
    if (needsObject && args.size() != 3)
        return cli.usageError(QStringLiteral("%1 needs CLASS NAME").arg(view));
    if (view == QLatin1String("compare")) {
        if (args.size() != 3 && !(inSandbox && args.size() == 2))
            return cli.usageError(QStringLiteral(
                "compare needs two objects: CLASS/NAME CLASS/NAME (or one with --sandbox NAME: "
                "the object and its copy in that sandbox)"));
        return std::nullopt;
    }
    if (inSandbox)
        return cli.usageError(QStringLiteral("--sandbox goes with the compare view only"));
    if (!needsObject && args.size() != 1)
        return cli.usageError(QStringLiteral("unexpected argument \"%1\"").arg(args.at(1)));
    return std::nullopt;
}

int printClasses(Inspector &inspector, bool asJson)
{
    const auto classes = awaitResult(inspector.classes());
    if (!classes)
        return dataError(classes.error());
    QJsonArray list;
    QList<QStringList> rows;
    for (const ClassSummary &summary : classes.value()) {
        list.append(InspectionJson::classSummary(summary));
        rows.append({summary.name, QString::number(summary.objectCount), summary.description,
                     summary.source.isEmpty() ? QStringLiteral("(built in)")
                                              : QFileInfo(summary.source).fileName()});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("CLASS"), QStringLiteral("OBJECTS"),
                                      QStringLiteral("DESCRIPTION"), QStringLiteral("CODE")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

int printObjects(Inspector &inspector, const ObjectQuery &query, bool asJson)
{
    const auto objects = awaitResult(inspector.objects(query));
    if (!objects)
        return dataError(objects.error());
    QJsonArray list;
    QList<QStringList> rows;
    for (const ObjectSummary &summary : objects.value()) {
        list.append(InspectionJson::objectSummary(summary));
        rows.append({summary.className, summary.displayName(), objectStatusName(summary.status),
                     timeText(summary.nextAlarmMs),
                     summary.step.isEmpty() ? QStringLiteral("-") : summary.step,
                     summary.id.toString().left(16)});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("CLASS"), QStringLiteral("NAME"),
                                      QStringLiteral("STATUS"), QStringLiteral("NEXT ALARM"),
                                      QStringLiteral("STEP"), QStringLiteral("ID")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

// `object CLASS NAME`: the summary, every key/value entry and the alarm.
// The agent's part of `object CLASS NAME` as text: state, schedules, open requests, calls.
QString agentText(const QJsonObject &agent)
{
    QString out;
    const QJsonObject state = agent.value(QStringLiteral("state")).toObject();
    out += QStringLiteral("\n  state    %1 keys").arg(state.size());
    for (auto it = state.constBegin(); it != state.constEnd(); ++it)
        out += QStringLiteral("\n    %1 = %2").arg(it.key(), JsonMatch::text(it.value(), 200));
    const auto list = [&out, &agent](const char *key, const char *label, auto line) {
        const QJsonArray items = agent.value(QLatin1String(key)).toArray();
        out += QStringLiteral("\n  %1 %2").arg(QLatin1String(label)).arg(items.size());
        for (const QJsonValue &item : items)
            out += QStringLiteral("\n    ") + line(item.toObject());
    };
    list("schedules", "schedules", [](const QJsonObject &s) {
        return QStringLiteral("%1  %2 -> %3  due %4")
            .arg(s.value(QStringLiteral("id")).toString(),
                 s.value(QStringLiteral("kind")).toString(),
                 s.value(QStringLiteral("callback")).toString(),
                 s.value(QStringLiteral("due")).toString());
    });
    list("openRequests", "requests ", [](const QJsonObject &r) {
        return QStringLiteral("%1  %2").arg(r.value(QStringLiteral("requestId")).toString(),
                                            r.value(QStringLiteral("title")).toString());
    });
    list("pendingCalls", "calls    ", [](const QJsonObject &c) {
        return QStringLiteral("%1  %2/%3 %4")
            .arg(c.value(QStringLiteral("id")).toString(),
                 c.value(QStringLiteral("class")).toString(),
                 c.value(QStringLiteral("name")).toString(),
                 c.value(QStringLiteral("method")).toString());
    });
    return out;
}

// `object CLASS NAME`: the object's summary, storage, alarm and, for an agent, its state,
// schedules, open requests and unanswered calls (ObjectDetail, as the gateway shows it).
int printObjectDetail(Inspector &inspector, const QString &cls, const ObjectSummary &summary,
                      bool asJson)
{
    const auto detail = awaitResult(ObjectDetail::read(&inspector, summary));
    if (!detail)
        return dataError(detail.error());
    if (asJson) {
        CommandLine::printJson(detail.value());
        return exitStatus(ExitCode::Ok);
    }
    const QJsonObject alarm = detail->value(QStringLiteral("alarm")).toObject();
    QString out =
        QStringLiteral(
            "%1/%2\n  id       %3\n  status   %4\n  created  %5\n  active   %6\n  alarm    %7")
            .arg(cls, summary.displayName(), summary.id.toString(),
                 objectStatusName(summary.status), timeText(summary.createdMs),
                 timeText(summary.lastActiveMs),
                 alarm.isEmpty() ? QStringLiteral("none")
                                 : alarm.value(QStringLiteral("due")).toString());
    if (!summary.step.isEmpty())
        out += QStringLiteral("\n  step     ") + summary.step;
    const QJsonObject kv = detail->value(QStringLiteral("kv")).toObject();
    out += QStringLiteral("\n  storage  %1 keys").arg(kv.size());
    for (auto it = kv.constBegin(); it != kv.constEnd(); ++it)
        out += QStringLiteral("\n    %1 = %2").arg(it.key(), JsonMatch::text(it.value(), 200));
    const QJsonValue agent = detail->value(QStringLiteral("agent"));
    if (agent.isObject())
        out += agentText(agent.toObject());
    CommandLine::printOut(out);
    return exitStatus(ExitCode::Ok);
}

// `journal CLASS NAME`: the last entries of the object's journal (50 unless --limit).
int printJournal(Inspector &inspector, const QString &cls, const ObjectId &id, int rowLimit,
                 bool asJson)
{
    const auto entries = JournalReader(inspector).last(cls, id, rowLimit < 0 ? 50 : rowLimit);
    if (!entries)
        return dataError(entries.error());
    if (asJson) {
        QJsonArray list;
        for (const JournalEntry &entry : entries.value())
            list.append(JournalReader::toJson(entry));
        CommandLine::printJson(list);
    } else {
        QStringList lines;
        for (const JournalEntry &entry : entries.value())
            lines.append(JournalReader::describe(entry));
        CommandLine::printOut(lines.isEmpty() ? QStringLiteral("(no journal entries)")
                                              : lines.join(QLatin1Char('\n')));
    }
    return exitStatus(ExitCode::Ok);
}

// `object` and `journal` views: the object must exist (reading it must not create it).
int printObjectView(EngineSession &session, const QStringList &args, int rowLimit, bool asJson)
{
    const QString cls = args.at(1);
    const QString name = args.at(2);
    if (!session.engine().classNames().contains(cls))
        return dataError(
            Error(ErrorCode::UnknownClass,
                  QStringLiteral("Unknown class \"%1\" (known: %2); load its package with "
                                 "--agents DIR, or --demo for the demo agents")
                      .arg(cls, session.engine().classNames().join(QStringLiteral(", ")))));
    const ObjectId id = ObjectId::fromName(cls, name);
    const auto summary = awaitResult(session.inspector().object(cls, id));
    if (!summary)
        return dataError(summary.error());
    if (args.first() == QLatin1String("object"))
        return printObjectDetail(session.inspector(), cls, summary.value(), asJson);
    return printJournal(session.inspector(), cls, id, rowLimit, asJson);
}

// `compare A B`: two objects' turns aligned on their shared timeline, and their state diff. B
// is read in other (a sandbox's data directory) when given; without B, it is A there.
int printComparison(EngineSession &session, EngineSession *other, const QStringList &args,
                    bool asJson)
{
    const auto a = BranchCompareView::read(session.engine(), session.inspector(), args.at(1));
    if (!a)
        return dataError(a.error());
    EngineSession &sideB = other ? *other : session;
    const auto b = BranchCompareView::read(sideB.engine(), sideB.inspector(),
                                           args.value(2, args.at(1)));
    if (!b)
        return dataError(b.error());
    const BranchComparison comparison = BranchComparison::build(a.value(), b.value());
    if (asJson)
        CommandLine::printJson(BranchCompareView::toJson(a.value(), b.value(), comparison));
    else
        CommandLine::printOut(BranchCompareView::describe(a.value(), b.value(), comparison));
    return exitStatus(ExitCode::Ok);
}

int printAlarms(Inspector &inspector, bool asJson)
{
    const auto alarms = awaitResult(inspector.alarms());
    if (!alarms)
        return dataError(alarms.error());
    QJsonArray list;
    QList<QStringList> rows;
    for (const AlarmSummary &alarm : alarms.value()) {
        list.append(InspectionJson::alarm(alarm));
        rows.append({timeText(alarm.dueMs), alarm.className,
                     alarm.name.isEmpty() ? alarm.id.toString().left(16) : alarm.name,
                     QString::number(alarm.retryCount)});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("DUE"), QStringLiteral("CLASS"),
                                      QStringLiteral("NAME"), QStringLiteral("RETRIES")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

int printInbox(const Inspector &inspector, const QString &className, bool asJson)
{
    const auto pending = awaitResult(inspector.inbox().pending(className));
    if (!pending)
        return dataError(pending.error());
    QJsonArray list;
    QList<QStringList> rows;
    for (const HumanRequestInfo &request : pending.value()) {
        list.append(request.toJson());
        rows.append({request.requestId, request.className, request.objectName,
                     timeText(request.createdMs), request.title});
    }
    asJson ? CommandLine::printJson(list)
           : CommandLine::printTable({QStringLiteral("ID"), QStringLiteral("CLASS"),
                                      QStringLiteral("NAME"), QStringLiteral("CREATED"),
                                      QStringLiteral("TITLE")},
                                     rows);
    return exitStatus(ExitCode::Ok);
}

} // namespace

int InspectCommand::run(const QStringList &arguments)
{
    CommandLine cli(
        QStringLiteral("inspect"),
        QStringLiteral(
            "Prints what a data directory holds, as tables or JSON.\n"
            "Views: classes, objects, object CLASS NAME, journal CLASS NAME, compare CLASS/NAME "
            "CLASS/NAME, alarms, inbox.\n"
            "compare CLASS/NAME --sandbox NAME compares an object with its copy in a sandbox.\n"
            "Time is frozen while inspecting: no alarm fires.\n") +
            WranglerInspect::viewsHelp());
    const QCommandLineOption data = CommandLine::dataOption();
    const QCommandLineOption json = CommandLine::jsonOption();
    const QCommandLineOption className(QStringLiteral("class"),
                                       QStringLiteral("objects: only this class."),
                                       QStringLiteral("CLASS"));
    const QCommandLineOption text(QStringLiteral("text"),
                                  QStringLiteral("objects: name or id contains TEXT."),
                                  QStringLiteral("TEXT"));
    const QCommandLineOption limit(QStringLiteral("limit"),
                                   QStringLiteral("objects, journal: at most N rows."),
                                   QStringLiteral("N"));
    const QCommandLineOption sandbox(
        QStringLiteral("sandbox"),
        QStringLiteral("compare: read the second object (or the first one's copy) in the "
                       "sandbox NAME of --data."),
        QStringLiteral("NAME"));
    const QCommandLineOption wranglerState(
        QStringLiteral("wrangler-state"),
        QStringLiteral("Read Cloudflare's local state instead of --data: a .wrangler/state "
                       "folder (or its v3 or v3/do) or a Miniflare persist folder. Nothing is "
                       "written to it."),
        QStringLiteral("DIR"));
    for (const QCommandLineOption &option :
         {data, json, className, text, limit, sandbox, wranglerState})
        cli.addOption(option);
    cli.addAgentOptions();
    cli.parser().addPositionalArgument(
        QStringLiteral("view"),
        QStringLiteral(
            "classes | objects | object CLASS NAME | journal CLASS NAME | compare CLASS/NAME "
            "CLASS/NAME | alarms | inbox"));
    if (const auto stop = cli.parse(arguments))
        return *stop;
    const QCommandLineParser &parser = cli.parser();
    const QStringList args = parser.positionalArguments();
    if (parser.isSet(wranglerState)) {
        if (parser.isSet(data))
            return cli.usageError(QStringLiteral("--data and --wrangler-state: give one"));
        return WranglerInspect::run(cli, parser.value(wranglerState), args, parser.isSet(json));
    }
    if (!parser.isSet(data))
        return cli.usageError(QStringLiteral("--data DIR (or --wrangler-state DIR) is required"));
    if (const auto stop = checkView(cli, args, parser.isSet(sandbox)))
        return *stop;
    const QString view = args.first();
    int rowLimit = -1;
    if (parser.isSet(limit)) {
        bool ok = false;
        rowLimit = parser.value(limit).toInt(&ok);
        if (!ok || rowLimit < 0)
            return cli.usageError(QStringLiteral("--limit needs a number"));
    }
    // The classes of agent packages show with their descriptions and steps, as in `run`.
    AgentPackageLoader packages;
    if (!cli.loadAgentPackages(packages))
        return exitStatus(ExitCode::EngineError);
    auto opened = EngineSession::openFrozen(parser.value(data), &packages);
    if (!opened)
        return dataError(opened.error());
    EngineSession &session = *opened.value();
    const bool asJson = parser.isSet(json);

    if (view == QLatin1String("classes"))
        return printClasses(session.inspector(), asJson);
    if (view == QLatin1String("objects")) {
        ObjectQuery query;
        query.className = parser.value(className);
        query.text = parser.value(text);
        query.limit = rowLimit;
        return printObjects(session.inspector(), query, asJson);
    }
    if (view == QLatin1String("object") || view == QLatin1String("journal"))
        return printObjectView(session, args, rowLimit, asJson);
    if (view == QLatin1String("compare")) {
        if (!parser.isSet(sandbox))
            return printComparison(session, nullptr, args, asJson);
        const QString sandboxDir =
            QDir(Sandboxes::directory(parser.value(data))).absoluteFilePath(parser.value(sandbox));
        if (const Result<SandboxInfo> info = Sandboxes::read(sandboxDir); !info)
            return dataError(info.error());
        auto copy = EngineSession::openFrozen(sandboxDir, &packages);
        if (!copy)
            return dataError(copy.error());
        return printComparison(session, copy.value().get(), args, asJson);
    }
    if (view == QLatin1String("alarms"))
        return printAlarms(session.inspector(), asJson);
    return printInbox(session.inspector(), parser.value(className), asJson);
}

} // namespace Durable::Cli
