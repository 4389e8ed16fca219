// SPDX-License-Identifier: MIT
#include "sqlguard.h"

#include <QByteArray>

#include <sqlite3.h>

namespace Durable {

namespace {

// How often (in virtual machine steps) a running statement checks its budget: a few
// microseconds of work between two looks at the clock.
constexpr int ProgressSteps = 4000;
// At shutdown, how long a running statement may still run before it is interrupted: turns
// queued before the shutdown still run, and their short statements finish.
constexpr std::chrono::milliseconds StopGrace {100};

} // namespace

bool SqlGuard::isReservedName(const char *name)
{
    return name && qstrnicmp(name, "_durable_", 9) == 0;
}

void SqlGuard::install(sqlite3 *db)
{
    sqlite3_progress_handler(db, ProgressSteps, &SqlGuard::progress, this);
    sqlite3_set_authorizer(db, &SqlGuard::authorize, this);
}

SqlGuard::Scope::Scope(SqlGuard &guard, Mode mode) : m_guard(guard)
{
    m_guard.m_mode = mode;
    // The clock starts at the first progress check, a few microseconds in: a short statement
    // (almost all of them) never reads it.
    m_guard.m_started = {};
    m_guard.m_interrupt = Interrupt::None;
}

SqlGuard::Scope::~Scope()
{
    m_guard.m_mode = Mode::Engine;
}

void SqlGuard::beginPrepare()
{
    m_denied.clear();
    m_alterSeen = false;
}

std::optional<Error> SqlGuard::refusal(QByteArrayView statement, bool prepared) const
{
    if (!m_denied.isEmpty())
        return Error(m_deniedCode, m_denied);
    // ALTER TABLE ... RENAME [COLUMN] ... TO _durable_x: no authorizer call sees the new name.
    if (prepared && m_alterSeen && m_mode == Mode::User &&
        statement.toByteArray().toLower().contains("_durable_")) {
        return Error(ErrorCode::ReservedTable,
                     QStringLiteral("ALTER TABLE may not create a _durable_* name; those names "
                                    "are reserved for the engine"));
    }
    return std::nullopt;
}

std::optional<Error> SqlGuard::interruption(const QString &label) const
{
    switch (m_interrupt) {
    case Interrupt::None:
        return std::nullopt;
    case Interrupt::Stopping:
        return Error(ErrorCode::ShuttingDown,
                     QStringLiteral("SQL on %1 was interrupted: the engine is shutting down; the "
                                    "turn's writes are rolled back")
                         .arg(label));
    case Interrupt::Budget:
        break;
    }
    return Error(ErrorCode::Timeout,
                 QStringLiteral("SQL on %1: statement ran longer than the turn's budget of %2 s "
                                "and was stopped; the turn's writes are rolled back. Narrow the "
                                "query (WHERE, LIMIT) or split the work over several turns "
                                "(EngineOptions::sqlBudget sets the budget)")
                     .arg(label, QString::number(double(m_budget.count()) / 1000.0)));
}

int SqlGuard::progress(void *self)
{
    auto *guard = static_cast<SqlGuard *>(self);
    if (guard->m_mode == Mode::Engine)
        return 0; // the engine's own statements are short and never interrupted
    const auto now = std::chrono::steady_clock::now();
    if (guard->m_started == std::chrono::steady_clock::time_point {})
        guard->m_started = now;
    const auto ran = now - guard->m_started;
    if (guard->m_stopping && guard->m_stopping->load(std::memory_order_relaxed) &&
        ran >= StopGrace) {
        guard->m_interrupt = Interrupt::Stopping;
        return 1;
    }
    if (guard->m_budget.count() > 0 && ran > guard->m_budget) {
        guard->m_interrupt = Interrupt::Budget;
        return 1;
    }
    return 0;
}

int SqlGuard::deny(ErrorCode code, QString why)
{
    m_deniedCode = code;
    m_denied = std::move(why);
    return SQLITE_DENY;
}

int SqlGuard::authorize(void *self, int action, const char *a, const char *b, const char *,
                        const char *)
{
    auto *guard = static_cast<SqlGuard *>(self);
    if (guard->m_mode == Mode::Engine)
        return SQLITE_OK;
    return guard->decide(action, a, b);
}

int SqlGuard::decideReadOnly(int action, const char *a)
{
    switch (action) {
    case SQLITE_READ:
    case SQLITE_SELECT:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
    case SQLITE_PRAGMA: // the whitelist in decide()
        return SQLITE_OK;
    case SQLITE_UPDATE:
        // SQLite asks this while reading the schema table itself; real writes to it are
        // impossible here, and sqlite3_stmt_readonly() is checked as well.
        if (a && qstrnicmp(a, "sqlite_", 7) == 0)
            return SQLITE_OK;
        Q_FALLTHROUGH();
    default:
        return deny(ErrorCode::ReservedTable,
                    QStringLiteral("the console is read-only; change an object's data "
                                   "through its methods or an admin edit"));
    }
}

int SqlGuard::decide(int action, const char *a, const char *b)
{
    if (action == SQLITE_FUNCTION && b && qstricmp(b, "fts3_tokenizer") == 0) {
        return deny(ErrorCode::SqlError,
                    QStringLiteral("fts3_tokenizer() is not allowed: it reads and installs "
                                   "native code pointers; full-text tables use the built-in "
                                   "tokenizers"));
    }
    if (m_mode == Mode::ReadOnly) {
        const int readOnly = decideReadOnly(action, a);
        if (readOnly != SQLITE_OK || action != SQLITE_PRAGMA)
            return readOnly;
    }
    switch (action) {
    case SQLITE_TRANSACTION:
    case SQLITE_SAVEPOINT:
        return deny(ErrorCode::SqlError,
                    QStringLiteral("transactions are managed by the engine: each turn is one "
                                   "transaction, and Storage::transaction() gives a nested one"));
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
        return deny(ErrorCode::SqlError,
                    QStringLiteral("ATTACH and DETACH are not allowed: each object has exactly "
                                   "one database"));
    case SQLITE_PRAGMA: {
        static const char *const allowed[] = {"table_info",       "table_xinfo", "table_list",
                                              "index_list",       "index_info",  "foreign_key_list",
                                              "foreign_key_check"};
        for (const char *name : allowed) {
            if (a && qstricmp(a, name) == 0)
                return SQLITE_OK;
        }
        return deny(
            ErrorCode::SqlError,
            QStringLiteral("PRAGMA %1 is not allowed in user SQL").arg(QString::fromUtf8(a)));
    }
    case SQLITE_ALTER_TABLE:
        m_alterSeen = true; // the new name is checked in the statement's text (refusal())
        break;
    default:
        break;
    }
    const char *reserved = isReservedName(a) ? a : (isReservedName(b) ? b : nullptr);
    if (reserved && action != SQLITE_FUNCTION && m_mode == Mode::User) {
        return deny(ErrorCode::ReservedTable,
                    QStringLiteral("table %1 is reserved for the engine; user SQL may not "
                                   "use _durable_* tables")
                        .arg(QString::fromUtf8(reserved)));
    }
    return SQLITE_OK;
}

} // namespace Durable
