// SPDX-License-Identifier: MIT
#include "callscycle.h"

#include "agenttestobjects.h"
#include "sigkillchild.h"
#include "testutil.h"

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QThread>
#include <durable/core/agentdirectory.h>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>
#include <durable/core/virtualclock.h>

namespace DurableCrash {

namespace {

using namespace Durable;
using DurableTest::awaitValue;

constexpr int SettleMs = 60000;
constexpr qint64 HourMs = 60LL * 60 * 1000;

// Every cycle gets two hours of its own: the child's turns in the first, the checker's in the
// second, so a journal entry's time says on which side of the kill it ran. The hour between
// them is far inside the callee ledger's retention (ReceivedCalls::RetentionMs).
qint64 childClockMs(int cycle)
{
    return QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC).toMSecsSinceEpoch() +
           2 * cycle * HourMs;
}

// What the child said about the coordinators of this cycle.
struct ChildLog
{
    QStringList issued; // in order
    QSet<QString> acked;
    QSet<QString> noted;
};

QString takeLine(ChildLog &log, const QByteArray &raw)
{
    const QByteArray line = raw.trimmed();
    const QString text = QString::fromUtf8(line);
    const QString name = text.section(QLatin1Char(' '), 1);
    if (line.isEmpty() || line == "started")
        return {};
    if (line.startsWith("issue ") && !log.issued.contains(name))
        log.issued.append(name);
    else if (line.startsWith("ack ") && log.issued.contains(name) && !log.acked.contains(name))
        log.acked.insert(name);
    else if (line.startsWith("noted ") && log.acked.contains(name) && !log.noted.contains(name))
        log.noted.insert(name);
    else if (line.startsWith("fail "))
        return QStringLiteral("the child reported: %1").arg(text);
    else
        return QStringLiteral("unexpected line from the child: %1").arg(text);
    return {};
}

// An agent's state, or {} for one that was never stored (the call to it never ran).
Result<QJsonObject> agentState(Engine &engine, const QString &className, const QString &name)
{
    const Result<QJsonObject> state = awaitValue(
        AgentDirectory(&engine).state(className, ObjectId::fromName(className, name)));
    if (!state.ok() && state.error().code() == ErrorCode::NotFound)
        return QJsonObject();
    return state;
}

Result<int> pendingCount(Engine &engine, const QString &coordinator)
{
    const auto pending = awaitValue(AgentDirectory(&engine).pendingCalls(
        QStringLiteral("Coordinator"),
        ObjectId::fromName(QStringLiteral("Coordinator"), coordinator)));
    if (!pending.ok())
        return pending.error().code() == ErrorCode::NotFound ? Result<int>(0)
                                                             : Result<int>(pending.error());
    return int(pending.value().size());
}

// Waits (polling, as QTRY_VERIFY does) until no coordinator has a call left unanswered: the
// restart delivers them again, and each reply runs as a turn of its coordinator.
QString settle(Engine &engine, QStringList coordinators)
{
    QDeadlineTimer deadline(SettleMs);
    while (!coordinators.isEmpty()) {
        for (qsizetype i = coordinators.size() - 1; i >= 0; --i) {
            const Result<int> left = pendingCount(engine, coordinators[i]);
            if (!left.ok())
                return QStringLiteral("%1: %2").arg(coordinators[i], left.error().message());
            if (left.value() == 0)
                coordinators.removeAt(i);
        }
        if (deadline.hasExpired()) {
            return QStringLiteral(
                       "%1 coordinators (%2 first) still have unanswered calls %3 s after "
                       "the restart: a call or its reply was lost")
                .arg(coordinators.size())
                .arg(coordinators.first())
                .arg(SettleMs / 1000);
        }
        if (!coordinators.isEmpty())
            QThread::msleep(20);
    }
    return {};
}

// The number of messages a researcher applied (its state counts them; 0 if never stored).
Result<int> applied(Engine &engine, const QString &researcher)
{
    const Result<QJsonObject> state = agentState(engine, QStringLiteral("Researcher"), researcher);
    if (!state.ok())
        return state.error();
    return state.value().value(QStringLiteral("applied")).toInt();
}

QString checkStarted(const QJsonObject &state, const QString &topic)
{
    const QJsonObject parts = state.value(QStringLiteral("parts")).toObject();
    if (!state.value(QStringLiteral("done")).toBool() ||
        state.value(QStringLiteral("waiting")).toInt() != 0)
        return QStringLiteral("is not done after everything settled: %1")
            .arg(QString::fromUtf8(QJsonDocument(state).toJson(QJsonDocument::Compact)));
    if (state.value(QStringLiteral("continued")).toInt() != 2)
        return QStringLiteral("ran its continuation %1 times, not 2")
            .arg(state.value(QStringLiteral("continued")).toInt());
    for (const QString &angle : {QStringLiteral("history"), QStringLiteral("market")}) {
        const QString want = QStringLiteral("findings on %1 (%2)").arg(topic, angle);
        if (parts.value(angle).toString() != want)
            return QStringLiteral("has part %1 = \"%2\", expected \"%3\"")
                .arg(angle, parts.value(angle).toString(), want);
    }
    return {};
}

// When the researcher first applied a message (its journal), or -1 if it never did.
Result<qint64> firstAppliedMs(Engine &engine, const QString &researcher)
{
    JournalQuery all;
    all.limit = -1;
    const auto entries = awaitValue(Inspector(&engine).journal(
        QStringLiteral("Researcher"), ObjectId::fromName(QStringLiteral("Researcher"), researcher),
        all));
    if (!entries.ok())
        return entries.error();
    qint64 first = -1;
    for (const JournalEntry &entry : entries.value()) {
        if (entry.method == QLatin1String("research") || entry.method == QLatin1String("note"))
            first = first < 0 ? entry.atMs : std::min(first, entry.atMs);
    }
    return first;
}

// Counts the coordinator's replies that ran after the restart (restartMs on), and among them
// those whose callee had applied the message before the kill: the ledger answered those.
QString countRedeliveries(Engine &engine, const QString &coordinator, qint64 restartMs,
                          CallsOutcome &outcome)
{
    JournalQuery replies;
    replies.limit = -1;
    replies.trigger = QStringLiteral("call-reply");
    const auto entries = awaitValue(Inspector(&engine).journal(
        QStringLiteral("Coordinator"),
        ObjectId::fromName(QStringLiteral("Coordinator"), coordinator), replies));
    if (!entries.ok())
        return entries.error().code() == ErrorCode::NotFound ? QString()
                                                             : entries.error().message();
    for (const JournalEntry &entry : entries.value()) {
        if (entry.atMs < restartMs)
            continue;
        if (entry.output.toObject().contains(QStringLiteral("ignored"))) {
            ++outcome.ignoredReplies;
            continue;
        }
        ++outcome.redelivered;
        // "to" is "Researcher/<name>.<method>".
        const QString to = entry.input.toObject().value(QStringLiteral("to")).toString();
        const Result<qint64> appliedMs = firstAppliedMs(
            engine, to.section(QLatin1Char('/'), 1).section(QLatin1Char('.'), 0, 0));
        if (!appliedMs.ok())
            return QStringLiteral("the journal of the callee of %1: %2")
                .arg(to, appliedMs.error().message());
        if (appliedMs.value() >= 0 && appliedMs.value() < restartMs)
            ++outcome.fromLedger;
    }
    return {};
}

QString checkResearcher(Engine &engine, const QString &researcher, int expected)
{
    const Result<int> count = applied(engine, researcher);
    if (!count.ok())
        return QStringLiteral("Researcher %1: %2").arg(researcher, count.error().message());
    if (count.value() != expected)
        return QStringLiteral("Researcher %1 applied its message %2 times, expected %3")
            .arg(researcher)
            .arg(count.value())
            .arg(expected);
    return {};
}

// The message a coordinator sends with sendTo after its start was acknowledged: applied at
// most once, and surely once if the child saw the notify return.
QString checkListener(Engine &engine, const QString &listener, bool acked, bool noted)
{
    const Result<int> count = applied(engine, listener);
    if (!count.ok())
        return QStringLiteral("Researcher %1: %2").arg(listener, count.error().message());
    if (count.value() > 1 || (count.value() == 1 && !acked) || (count.value() == 0 && noted)) {
        return QStringLiteral(
                   "Researcher %1 applied the sendTo message %2 times (start acknowledged: %3, "
                   "notify acknowledged: %4)")
            .arg(listener)
            .arg(count.value())
            .arg(acked)
            .arg(noted);
    }
    return {};
}

// Everything or nothing of a coordinator's run, and everything if the child saw it start.
QString checkCoordinator(Engine &engine, const QString &name, const ChildLog &log,
                         CallsOutcome &outcome)
{
    const QString topic = QLatin1Char('t') + name.mid(1);
    const Result<QJsonObject> state = agentState(engine, QStringLiteral("Coordinator"), name);
    if (!state.ok())
        return state.error().message();
    const bool started = state.value().contains(QStringLiteral("topic"));
    const bool acked = log.acked.contains(name);
    if (acked && !started)
        return QStringLiteral(
            "its start was acknowledged but is not stored: a committed turn was lost");
    outcome.committedUnacknowledged += started && !acked ? 1 : 0;
    if (started) {
        if (const QString wrong = checkStarted(state.value(), topic); !wrong.isEmpty())
            return wrong;
    } else if (state.value().contains(QStringLiteral("continued")) ||
               state.value().contains(QStringLiteral("done"))) {
        return QStringLiteral("continued a start that never committed: half a run");
    }
    for (const QString &angle : {QStringLiteral("history"), QStringLiteral("market")}) {
        if (const QString wrong = checkResearcher(engine, topic + QLatin1Char('-') + angle,
                                                  started ? 1 : 0);
            !wrong.isEmpty())
            return wrong;
    }
    if (const QString wrong = checkListener(engine, topic + QStringLiteral("-note"), acked,
                                            log.noted.contains(name));
        !wrong.isEmpty())
        return wrong;
    return {};
}

void addTo(CallsOutcome &sum, const CallsOutcome &one)
{
    sum.issued += one.issued;
    sum.acknowledged += one.acknowledged;
    sum.noted += one.noted;
    sum.committedUnacknowledged += one.committedUnacknowledged;
    sum.redelivered += one.redelivered;
    sum.fromLedger += one.fromLedger;
    sum.ignoredReplies += one.ignoredReplies;
}

} // namespace

CallsCycle::CallsCycle(QString childPath, QString dataDir)
    : m_childPath(std::move(childPath)), m_dataDir(std::move(dataDir))
{
    m_totals.ok = true;
}

CallsOutcome CallsCycle::run(int killAfterAcks)
{
    CallsOutcome outcome;
    const auto fail = [&outcome](const QString &why) {
        outcome.error = why;
        return outcome;
    };
    const int cycle = m_cycle++;
    ChildLog log;
    const QString killed = runUntilKilled(
        m_childPath, {m_dataDir, QString::number(cycle), QString::number(childClockMs(cycle))},
        [&log](const QByteArray &line) { return takeLine(log, line); },
        [&log, killAfterAcks] { return log.acked.size() >= killAfterAcks; });
    if (!killed.isEmpty())
        return fail(killed);
    outcome.issued = int(log.issued.size());
    outcome.acknowledged = int(log.acked.size());
    outcome.noted = int(log.noted.size());

    // Restart in this process, an hour later on the engine clock, and let it deliver the rest.
    const qint64 restartMs = childClockMs(cycle) + HourMs;
    EngineOptions options;
    options.dataDir = m_dataDir;
    options.clock = std::make_shared<VirtualClock>(
        QDateTime::fromMSecsSinceEpoch(restartMs, Qt::UTC));
    Engine engine(options);
    DurableAgentTest::registerAgentClasses(engine);
    if (auto started = engine.start(); !started)
        return fail(QStringLiteral("the engine did not start after the crash: %1")
                        .arg(started.error().message()));
    if (const QString wrong = settle(engine, log.issued); !wrong.isEmpty())
        return fail(wrong);
    for (const QString &name : std::as_const(log.issued)) {
        if (const QString wrong = checkCoordinator(engine, name, log, outcome); !wrong.isEmpty())
            return fail(QStringLiteral("Coordinator %1 %2").arg(name, wrong));
        if (const QString wrong = countRedeliveries(engine, name, restartMs, outcome);
            !wrong.isEmpty())
            return fail(QStringLiteral("Coordinator %1: %2").arg(name, wrong));
    }
    engine.shutdown();
    outcome.ok = true;
    addTo(m_totals, outcome);
    return outcome;
}

} // namespace DurableCrash
