// SPDX-License-Identifier: MIT
#include "forksource.h"

#include "agentjournal.h"
#include "objecthost.h"

#include <QJsonArray>

namespace Durable {

ForkSource ForkSource::read(ObjectHost &host, qint64 seq)
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
