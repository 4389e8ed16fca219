// SPDX-License-Identifier: MIT
#include "forksource.h"

#include "agentjournal.h"
#include "objecthost.h"

#include <QJsonArray>

namespace Durable {

namespace {

// The "model-reply" turns after seq, as the journal keeps them (the request and the reply as
// the model gave them; failed calls have no reply and are left out).
QList<RecordedReply> recordedAfter(ObjectHost &host, qint64 seq)
{
    QList<RecordedReply> recorded;
    JournalQuery query;
    query.trigger = QStringLiteral("model-reply");
    query.limit = 200;
    for (;;) {
        const QList<JournalEntry> page = host.journal().entries(query);
        for (const JournalEntry &entry : page) {
            if (entry.seq <= seq)
                break;
            const QJsonObject input = entry.input.toObject();
            const Result<ChatReply> reply = ChatReply::fromJson(
                input.value(QStringLiteral("reply")).toObject());
            const Result<ChatRequest> request = ChatRequest::fromJson(
                input.value(QStringLiteral("request")).toObject());
            if (!input.contains(QStringLiteral("reply")) || !reply || !request)
                continue;
            RecordedReply one;
            one.call = {host.className(), host.id(),
                        input.value(QStringLiteral("callId")).toString(),
                        input.value(QStringLiteral("round")).toInt()};
            one.seq = entry.seq;
            one.request = request.value();
            one.reply = reply.value();
            recorded.prepend(one);
        }
        if (page.size() < query.limit || page.constLast().seq <= seq)
            return recorded;
        query.beforeSeq = page.constLast().seq;
    }
}

} // namespace

ForkSource ForkSource::read(ObjectHost &host, qint64 seq, Recordings recordings)
{
    ForkSource source;
    source.objectName = host.name();
    source.seq = seq;
    source.lastSeq = host.journal().lastSeq();
    if (seq < 1 || seq > source.lastSeq) {
        throw Error(ErrorCode::InvalidArgument,
                    QStringLiteral("%1 has no turn %2 to fork (its turns are 1 to %3)")
                        .arg(host.label())
                        .arg(seq)
                        .arg(source.lastSeq));
    }
    JournalQuery query;
    query.beforeSeq = seq + 1;
    query.limit = 1;
    const QList<JournalEntry> entries = host.journal().entries(query);
    source.atMs = entries.isEmpty() ? host.nowMs() : entries.constFirst().atMs;
    source.state = host.journal().stateAt(seq);
    source.tables = UserTables::read(host.database());
    if (recordings == Recordings::Read)
        source.recorded = recordedAfter(host, seq);
    return source;
}

QJsonObject ForkSource::write(ObjectHost &host, QJsonObject output) const
{
    ObjectDatabase &db = host.database();
    QJsonObject facets;
    for (const KeyValue &kv : state) {
        if (AgentJournal::isFacetKey(kv.key))
            facets.insert(kv.key, kv.value);
        else
            db.put(kv.key, kv.value);
    }
    const QJsonObject agent = AgentJournal::restoreFacets(host, facets);
    if (!agent.isEmpty())
        output.insert(QStringLiteral("agent"), agent);
    if (!tables.isEmpty()) {
        tables.write(db);
        output.insert(QStringLiteral("sqlTables"), QJsonArray::fromStringList(tables.tableNames()));
        if (seq != lastSeq) {
            output.insert(QStringLiteral("note"),
                          QStringLiteral("SQL tables copied as of turn %1, not turn %2: the "
                                         "journal keeps no row contents")
                              .arg(lastSeq)
                              .arg(seq));
        }
    }
    return output;
}

} // namespace Durable
