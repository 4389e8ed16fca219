// SPDX-License-Identifier: MIT
#pragma once

// The durable object the crash-recovery tests load: every write turn changes several keys and
// a SQL row together, so a half-applied turn is visible to audit().

#include <durable/core/durableobject.h>
#include <durable/core/error.h>
#include <durable/core/storage.h>

#include <QJsonArray>
#include <QJsonObject>
#include <QSet>

namespace DurableCrash {

// "write": takes the next sequence number n = count + 1 and, in one turn, sets count = n,
// k/n = n, the record rec/n/{a,b,c} and the SQL row ledger(n); replies n.
// "audit": checks that the storage holds exactly the turns 1..count, each complete; replies
// {"count": n, "problems": [...]}.
class CrashWriter : public Durable::DurableObject
{
public:
    static QString seqKey(const char *prefix, qint64 seq)
    {
        return QStringLiteral("%1/%2").arg(QLatin1String(prefix)).arg(seq, 8, 10, QLatin1Char('0'));
    }

    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        Durable::Storage &s = storage();
        if (method == QLatin1String("write")) {
            s.sql(QStringLiteral(
                "CREATE TABLE IF NOT EXISTS ledger (seq INTEGER PRIMARY KEY, note TEXT NOT NULL)"));
            const qint64 seq = s.get(QStringLiteral("count")).toInteger() + 1;
            s.put(QStringLiteral("count"), double(seq));
            s.put(seqKey("k", seq), double(seq));
            const QString record = seqKey("rec", seq);
            s.put(record + QStringLiteral("/a"), double(seq));
            s.put(record + QStringLiteral("/b"), double(seq * 2));
            s.put(record + QStringLiteral("/c"), QStringLiteral("r%1").arg(seq));
            s.sql(QStringLiteral("INSERT INTO ledger (seq, note) VALUES (?, ?)"),
                  QJsonArray {double(seq), QStringLiteral("w%1").arg(seq)});
            return double(seq);
        }
        if (method == QLatin1String("audit"))
            return audit();
        return DurableObject::onRequest(method, args);
    }

private:
    QJsonObject audit()
    {
        Durable::Storage &s = storage();
        QJsonArray problems;
        const auto problem = [&problems](const QString &what) {
            if (problems.size() < 10)
                problems.append(what);
        };
        const QJsonValue countValue = s.get(QStringLiteral("count"));
        const qint64 count = countValue.isUndefined() ? 0 : countValue.toInteger(-1);
        if (count < 0)
            problem(QStringLiteral("count is not an integer"));

        QSet<QString> expected;
        expected.insert(QStringLiteral("count"));
        for (qint64 seq = 1; seq <= count; ++seq) {
            const QString record = seqKey("rec", seq);
            expected.insert(seqKey("k", seq));
            expected.insert(record + QStringLiteral("/a"));
            expected.insert(record + QStringLiteral("/b"));
            expected.insert(record + QStringLiteral("/c"));
        }
        qint64 seen = 0;
        for (const Durable::KeyValue &kv : s.list()) {
            if (!expected.contains(kv.key)) {
                problem(QStringLiteral("unexpected key %1 with count %2").arg(kv.key).arg(count));
                continue;
            }
            ++seen;
            const QStringList parts = kv.key.split(QLatin1Char('/'));
            if (parts.first() == QLatin1String("count"))
                continue;
            const qint64 seq = parts.at(1).toLongLong();
            QJsonValue want = double(seq);
            if (parts.size() == 3 && parts.at(2) == QLatin1String("b"))
                want = double(seq * 2);
            else if (parts.size() == 3 && parts.at(2) == QLatin1String("c"))
                want = QStringLiteral("r%1").arg(seq);
            if (kv.value != want)
                problem(QStringLiteral("key %1 holds a wrong value").arg(kv.key));
        }
        if (count > 0 && seen != qint64(expected.size()))
            problem(
                QStringLiteral("%1 of %2 expected keys present (count %3): a turn is half-applied")
                    .arg(seen)
                    .arg(expected.size())
                    .arg(count));

        if (count > 0) {
            const Durable::SqlResult rows = s.sql(QStringLiteral(
                "SELECT count(*), coalesce(min(seq), 0), coalesce(max(seq), 0) FROM ledger"));
            const QJsonArray row = rows.rows.value(0);
            if (row.size() != 3 || row[0].toInteger() != count || row[1].toInteger() != 1 ||
                row[2].toInteger() != count) {
                problem(QStringLiteral("ledger holds %1 rows %2..%3, expected %4 rows 1..%4")
                            .arg(row[0].toInteger())
                            .arg(row[1].toInteger())
                            .arg(row[2].toInteger())
                            .arg(count));
            }
        }
        return QJsonObject {{QStringLiteral("count"), double(count)},
                            {QStringLiteral("problems"), problems}};
    }
};

} // namespace DurableCrash
