// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/error.h>

#include <QByteArrayView>
#include <QString>

#include <atomic>
#include <chrono>
#include <optional>

struct sqlite3;

namespace Durable {

// What SQL that is not the engine's own may do on one object's connection, and for how long:
// the connection's authorizer (reserved tables, transactions, ATTACH, PRAGMAs, a read-only
// console) and its progress handler (the per-call time budget, and shutdown interrupting a
// runaway statement). The engine's own statements run unpoliced. Worker thread only, like the
// ObjectDatabase that owns it.
class SqlGuard
{
public:
    enum class Mode { Engine, User, ReadOnly };

    // Names starting with _durable_ belong to the engine.
    static bool isReservedName(const char *name);

    void install(sqlite3 *db);
    // Wall time one call may run (0: unlimited), and a flag that, once set, interrupts it.
    void setLimits(std::chrono::milliseconds budget, const std::atomic<bool> *stopping)
    {
        m_budget = budget;
        m_stopping = stopping;
    }

    // Polices SQL in mode, with the budget's clock started, until the scope ends.
    class Scope
    {
    public:
        Scope(SqlGuard &guard, Mode mode);
        ~Scope();
        Scope(const Scope &) = delete;
        Scope &operator=(const Scope &) = delete;

    private:
        SqlGuard &m_guard;
    };
    Mode mode() const { return m_mode; }

    // Call before preparing a statement; then refusal() says whether it was refused.
    void beginPrepare();
    // Why the statement just prepared (its text, whether sqlite3_prepare succeeded) is refused;
    // the message is the reason alone.
    std::optional<Error> refusal(QByteArrayView statement, bool prepared) const;
    // The error for a statement this guard interrupted (SQLITE_INTERRUPT), naming what ran.
    std::optional<Error> interruption(const QString &label) const;

private:
    enum class Interrupt { None, Budget, Stopping };

    static int authorize(void *self, int action, const char *a, const char *b, const char *c,
                         const char *d);
    static int progress(void *self);
    int decide(int action, const char *a, const char *b);
    int decideReadOnly(int action, const char *a);
    int deny(ErrorCode code, QString why);

    Mode m_mode = Mode::Engine;
    QString m_denied; // why the authorizer refused the last statement
    ErrorCode m_deniedCode = ErrorCode::SqlError;
    bool m_alterSeen = false; // ALTER TABLE's new name reaches no authorizer call: check its text
    std::chrono::milliseconds m_budget {0};
    const std::atomic<bool> *m_stopping = nullptr;
    std::chrono::steady_clock::time_point m_started;
    Interrupt m_interrupt = Interrupt::None;
};

} // namespace Durable
