// SPDX-License-Identifier: MIT
#pragma once

// Durable object classes used only by durable-bench; the counter and echo classes come from
// tests/common/testobjects.h.

#include <durable/core/agent.h>
#include <durable/core/durableobject.h>
#include <durable/core/error.h>
#include <durable/core/storage.h>

#include <QJsonArray>
#include <QJsonObject>

namespace DurableBench {

// Inserts rows into its own table, one savepoint per batch: {"first": n, "count": m} inserts
// rows first .. first+m-1; "stats" returns [count(*), sum(id), sum(value)].
class SqlWriter : public Durable::DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        Durable::Storage &s = storage();
        if (method == QLatin1String("setup")) {
            s.sql(QStringLiteral("CREATE TABLE IF NOT EXISTS rows (id INTEGER PRIMARY KEY, "
                                 "name TEXT NOT NULL, value INTEGER NOT NULL)"));
            return true;
        }
        if (method == QLatin1String("insertBatch")) {
            const QJsonObject a = args.toObject();
            const qint64 first = qint64(a.value(QStringLiteral("first")).toDouble());
            const int count = a.value(QStringLiteral("count")).toInt();
            const QString insert = QStringLiteral(
                "INSERT INTO rows (id, name, value) VALUES (?, ?, ?)");
            s.transaction([&s, &insert, first, count] {
                for (int i = 0; i < count; ++i) {
                    const qint64 id = first + i;
                    s.sql(insert, QJsonArray {double(id), QStringLiteral("row-%1").arg(id),
                                              double(id % 1000)});
                }
            });
            return count;
        }
        if (method == QLatin1String("stats")) {
            const Durable::SqlResult r = s.sql(
                QStringLiteral("SELECT count(*), sum(id), sum(value) FROM rows"));
            if (r.rows.isEmpty())
                throw Durable::Error(Durable::ErrorCode::Internal, QStringLiteral("no stats row"));
            return r.rows.first();
        }
        return DurableObject::onRequest(method, args);
    }
};

// The counter as an agent: what `counter-agent` and `hot-agent` measure, and what the JavaScript
// counter (JsCounterSource) is held against: the same storage work through the Agent API.
class AgentCounter : public Durable::Agent
{
public:
    AgentCounter()
    {
        handle(QStringLiteral("increment"), &AgentCounter::increment);
        handle(QStringLiteral("get"), &AgentCounter::count);
    }

private:
    QJsonValue increment(const QJsonValue &by)
    {
        const int next = storage().get(QStringLiteral("count")).toInt() +
                         (by.isDouble() ? by.toInt() : 1);
        storage().put(QStringLiteral("count"), next);
        return next;
    }
    QJsonValue count() { return storage().get(QStringLiteral("count")).toInt(); }
};

// The same counter in JavaScript (`counter-js`, `hot-js`), loaded as an agent file.
inline const char *const JsCounterSource = R"JS(
export class JsCounter extends Agent {
    constructor() {
        super();
        this.handle("increment", this.increment);
        this.handle("get", this.count);
    }
    increment(by) {
        const next = (this.get("count") ?? 0) + (typeof by === "number" ? by : 1);
        this.put("count", next);
        return next;
    }
    count() { return this.get("count") ?? 0; }
}
)JS";

} // namespace DurableBench
