// SPDX-License-Identifier: MIT
#include "crashcycle.h"

#include "crashwriter.h"
#include "sigkillchild.h"
#include "testutil.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QMap>
#include <durable/core/engine.h>
#include <durable/core/inspector.h>

namespace DurableCrash {

namespace {

using namespace Durable;

Result<QJsonValue> await(QFuture<QJsonValue> future)
{
    try {
        future.waitForFinished(); // rethrows a stored exception in Qt 6
        return future.result();
    } catch (const Error &error) {
        return error;
    }
}

} // namespace

QString journalMismatch(Engine &engine, const ObjectId &id)
{
    Inspector inspector(&engine);
    JournalQuery all;
    all.limit = -1;
    QFuture<QList<JournalEntry>> journal = inspector.journal(QStringLiteral("CrashWriter"), id,
                                                             all);
    QFuture<QList<KeyValue>> state = inspector.keyValues(QStringLiteral("CrashWriter"), id);
    try {
        journal.waitForFinished();
        state.waitForFinished();
        QList<JournalEntry> entries = journal.result();
        std::reverse(entries.begin(), entries.end());
        QMap<QString, QJsonValue> replayed;
        for (const JournalEntry &entry : std::as_const(entries))
            DurableTest::replayJournalEntry(replayed, entry);
        QMap<QString, QJsonValue> actual;
        for (const KeyValue &kv : state.result())
            actual.insert(kv.key, kv.value);
        if (replayed != actual) {
            return QStringLiteral(
                       "replaying its %1 journal entries gives %2 keys, storage holds %3")
                .arg(entries.size())
                .arg(replayed.size())
                .arg(actual.size());
        }
    } catch (const Error &error) {
        return error.message();
    }
    return {};
}

CrashCycle::CrashCycle(QString childPath, QString dataDir, int objects)
    : m_childPath(std::move(childPath)), m_dataDir(std::move(dataDir)), m_objects(objects)
{ }

CycleOutcome CrashCycle::run(int killAfterAcks, bool everyObjectFirst)
{
    CycleOutcome outcome;
    const auto fail = [&outcome](const QString &why) {
        outcome.ok = false;
        outcome.error = why;
        return outcome;
    };

    QHash<QString, qint64> ackedNow;
    const auto takeLine = [&](const QByteArray &raw) -> QString {
        const QByteArray line = raw.trimmed();
        if (line.startsWith("fail "))
            return QStringLiteral("the child reported: %1").arg(QString::fromUtf8(line));
        if (!line.startsWith("ack "))
            return {};
        const QList<QByteArray> parts = line.split(' ');
        bool numeric = false;
        const qint64 seq = parts.value(2).toLongLong(&numeric);
        if (parts.size() != 3 || !numeric || seq < 1)
            return QStringLiteral("malformed line from the child: %1").arg(QString::fromUtf8(line));
        const QString name = QString::fromUtf8(parts[1]);
        ackedNow[name] = std::max(ackedNow.value(name), seq);
        ++outcome.acknowledged;
        return {};
    };

    const auto enough = [&] {
        return outcome.acknowledged >= killAfterAcks &&
               (!everyObjectFirst || ackedNow.size() >= m_objects);
    };
    const QString killed = runUntilKilled(
        m_childPath, {m_dataDir, QStringLiteral("--objects"), QString::number(m_objects)}, takeLine,
        enough);
    if (!killed.isEmpty())
        return fail(killed);
    for (auto it = ackedNow.cbegin(); it != ackedNow.cend(); ++it)
        m_highestAcked[it.key()] = std::max(m_highestAcked.value(it.key()), it.value());
    m_acknowledgedTotal += outcome.acknowledged;

    // Recover in this process and audit every object.
    EngineOptions options;
    options.dataDir = m_dataDir;
    Engine engine(options);
    if (auto registered = engine.registerClass<CrashWriter>(QStringLiteral("CrashWriter"));
        !registered)
        return fail(registered.error().message());
    if (auto started = engine.start(); !started)
        return fail(QStringLiteral("the engine did not start after the crash: %1")
                        .arg(started.error().message()));
    qint64 committed = 0;
    for (int i = 0; i < m_objects; ++i) {
        const QString name = QStringLiteral("w%1").arg(i);
        const auto stub = engine.stub(QStringLiteral("CrashWriter"), name);
        if (!stub)
            return fail(stub.error().message());
        const Result<QJsonValue> audit = await(stub->call(QStringLiteral("audit")));
        if (!audit.ok())
            return fail(
                QStringLiteral("audit of %1 failed: %2").arg(name, audit.error().message()));
        const QJsonObject report = audit.value().toObject();
        const qint64 count = report.value(QStringLiteral("count")).toInteger(-1);
        const QJsonArray problems = report.value(QStringLiteral("problems")).toArray();
        if (!problems.isEmpty()) {
            QStringList texts;
            for (const QJsonValue &problem : problems)
                texts << problem.toString();
            return fail(QStringLiteral("%1: %2").arg(name, texts.join(QStringLiteral("; "))));
        }
        if (count < m_highestAcked.value(name))
            return fail(
                QStringLiteral("%1 holds %2 writes but write %3 was acknowledged: an acknowledged "
                               "write was lost")
                    .arg(name)
                    .arg(count)
                    .arg(m_highestAcked.value(name)));
        outcome.committedUnacknowledged += count - m_highestAcked.value(name);
        committed += count;
        // The journal commits with the data: replaying its changes from empty must give exactly
        // the key/value state that survived the kill.
        if (const QString wrong = journalMismatch(engine, stub->id()); !wrong.isEmpty())
            return fail(QStringLiteral("%1: %2").arg(name, wrong));
    }
    engine.shutdown();
    outcome.committed = committed;
    m_committedTotal = committed;
    outcome.ok = true;
    return outcome;
}

} // namespace DurableCrash
