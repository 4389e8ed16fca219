// SPDX-License-Identifier: MIT
#include "builtinclasses.h"

#include <durable/core/durableobject.h>
#include <durable/core/engine.h>
#include <durable/core/error.h>
#include <durable/core/jsontext.h>
#include <durable/core/objectcontext.h>
#include <durable/core/storage.h>

#include <QJsonArray>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

// The reference agents replace the demo classes as soon as the app links durable_examples
// (whose include directory then resolves); until then the old demo classes stay.
#if __has_include(<examples/examples.h>)
#include <examples/examples.h>
#define DURABLE_HAVE_EXAMPLES 1
#endif

// Demo classes only: they exist so a fresh studio has something to show. The recruitment agent
// (resume screening, recruiter feedback, interview scheduling, 24 h follow-up) replaces them
// once the Agent SDK lands.

namespace {

using namespace Durable;

// A counter in the key "count": increment {by}, get, reset. Counts are exact integers, so
// they stay within what a JSON number holds exactly (2^53); anything else is refused.
class DemoCounter : public DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        if (method == QLatin1String("increment")) {
            const qint64 next = count() + step(args);
            if (std::abs(next) > kMaxExact) {
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("The count would leave the exact range of a JSON "
                                           "number (±%1); reset it first")
                                .arg(kMaxExact));
            }
            storage().put(QStringLiteral("count"), double(next));
            storage().put(QStringLiteral("updated"), double(context().nowMs()));
            return double(next);
        }
        if (method == QLatin1String("get"))
            return double(count());
        if (method == QLatin1String("reset")) {
            storage().put(QStringLiteral("count"), 0);
            return 0;
        }
        return DurableObject::onRequest(method, args);
    }

private:
    static constexpr qint64 kMaxExact = (qint64(1) << 53) - 1;

    qint64 count() const { return storage().get(QStringLiteral("count")).toInteger(); }

    // `increment` takes a bare number or {"by": number}; without one it adds 1.
    static qint64 step(const QJsonValue &args)
    {
        const QJsonValue by = args.isObject() ? args.toObject().value(QStringLiteral("by")) : args;
        if (by.isUndefined() || by.isNull())
            return 1;
        const double value = by.toDouble(std::nan(""));
        if (!by.isDouble() || value != std::trunc(value) || std::abs(value) > double(kMaxExact)) {
            throw Error(ErrorCode::InvalidArgument,
                        QStringLiteral("increment takes {\"by\": n} with n a whole number "
                                       "between -%1 and %1; got %2")
                            .arg(kMaxExact)
                            .arg(JsonText::compact(by)));
        }
        return qint64(value);
    }
};

// Keeps reminders in its own SQL table and wakes itself with its alarm when the next is due.
// remind {text, inMinutes} -> id; list -> rows; the alarm marks due reminders fired.
class Reminder : public DurableObject
{
public:
    QJsonValue onRequest(const QString &method, const QJsonValue &args) override
    {
        ensureTable();
        if (method == QLatin1String("remind")) {
            const QJsonObject a = args.toObject();
            const QString text = a.value(QStringLiteral("text")).toString();
            if (text.isEmpty())
                throw Error(ErrorCode::InvalidArgument, QStringLiteral("remind needs a \"text\""));
            const double minutes = a.value(QStringLiteral("inMinutes")).toDouble(60);
            if (minutes <= 0)
                throw Error(ErrorCode::InvalidArgument,
                            QStringLiteral("\"inMinutes\" must be positive"));
            const qint64 due = context().nowMs() + qint64(minutes * 60'000);
            storage().sql(
                QStringLiteral("INSERT INTO reminders(text, due_ms, fired) VALUES (?, ?, 0)"),
                QJsonArray {text, double(due)});
            storage().put(QStringLiteral("pending"),
                          storage().get(QStringLiteral("pending")).toInt() + 1);
            armNext();
            return double(due);
        }
        if (method == QLatin1String("list")) {
            const SqlResult rows = storage().sql(
                QStringLiteral("SELECT id, text, due_ms, fired FROM reminders ORDER BY due_ms"));
            QJsonArray out;
            for (const QJsonArray &row : rows.rows)
                out.append(row);
            return out;
        }
        return DurableObject::onRequest(method, args);
    }

    void onAlarm(const AlarmInfo &) override
    {
        ensureTable();
        const QJsonArray now {double(context().nowMs())};
        const SqlResult due = storage().sql(
            QStringLiteral("SELECT text FROM reminders WHERE fired = 0 AND due_ms <= ?"), now);
        storage().sql(
            QStringLiteral("UPDATE reminders SET fired = 1 WHERE fired = 0 AND due_ms <= ?"), now);
        QJsonArray fired = storage().get(QStringLiteral("fired")).toArray();
        for (const QJsonArray &row : due.rows)
            fired.append(QJsonObject {{QStringLiteral("text"), row.at(0)},
                                      {QStringLiteral("at"), double(context().nowMs())}});
        storage().put(QStringLiteral("fired"), fired);
        storage().put(
            QStringLiteral("pending"),
            std::max(0, storage().get(QStringLiteral("pending")).toInt() - int(due.rows.size())));
        armNext();
    }

private:
    void ensureTable()
    {
        if (m_tableReady)
            return;
        storage().sql(
            QStringLiteral("CREATE TABLE IF NOT EXISTS reminders (id INTEGER PRIMARY KEY, "
                           "text TEXT NOT NULL, due_ms INTEGER NOT NULL, fired INTEGER NOT NULL)"));
        m_tableReady = true;
    }

    void armNext()
    {
        const SqlResult next = storage().sql(
            QStringLiteral("SELECT min(due_ms) FROM reminders WHERE fired = 0"));
        const QJsonValue due = next.rows.isEmpty() ? QJsonValue() : next.rows.first().at(0);
        if (due.isDouble())
            storage().setAlarm(qint64(due.toDouble()));
        else
            storage().deleteAlarm();
    }

    bool m_tableReady = false;
};

} // namespace

namespace {

void registerDemoClasses(Engine &engine)
{
    ClassOptions counter;
    counter.description = QStringLiteral("Demo: a counter (increment, get, reset)");
    (void)engine.registerClass<DemoCounter>(QStringLiteral("Counter"), counter);
    ClassOptions reminder;
    reminder.description = QStringLiteral(
        "Demo: reminders in SQL, woken by its alarm (remind, list)");
    (void)engine.registerClass<Reminder>(QStringLiteral("Reminder"), reminder);
}

} // namespace

// The reference agents (Recruitment, Assistant) and the two small demo classes, which the
// shipped CLI scenarios and the alarm board's demo data use.
#ifdef DURABLE_HAVE_EXAMPLES
void registerBuiltinClasses(Engine &engine)
{
    DurableExamples::registerExampleClasses(engine);
    registerDemoClasses(engine);
}

void seedBuiltinData(Engine &engine)
{
    DurableExamples::seedExampleData(engine);
}
#else
void seedBuiltinData(Engine &)
{ }

void registerBuiltinClasses(Engine &engine)
{
    registerDemoClasses(engine);
}
#endif
