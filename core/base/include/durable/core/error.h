// SPDX-License-Identifier: MIT
#pragma once

#include <QException>
#include <QJsonObject>
#include <QString>
#include <QVariantMap>

namespace Durable {

// What kind of failure an Error is, so callers can react without parsing messages.
enum class ErrorCode {
    Internal,
    InvalidArgument, // malformed id, bad JSON, invalid time, ...
    UnknownClass,
    UnknownMethod,
    NotFound,
    Overloaded,    // the object's queue is full
    LimitExceeded, // key or value too large
    ReservedTable, // user SQL touched a _durable_* table
    SqlError,      // user SQL failed to prepare or run
    StorageError,  // the engine's own storage failed
    CommitFailed,  // the turn's transaction could not commit
    Corrupt,       // an object's file is damaged; the object is quarantined
    Quarantined,
    Crashed,       // the object was crashed on purpose before the turn committed
    HandlerFailed, // the object's handler threw something that is not a Durable::Error
    Io,
    Network,
    Timeout,
    ShuttingDown,
    Conflict, // e.g. a human request answered twice
};

// A failure with a code, a message a user can act on, and context (object id, file, ...).
//
// Agent-facing calls inside a turn throw it; the turn boundary catches it. Everywhere else it
// travels as a value (Result<T>) or through a QFuture, which is why it derives QException.
class Error : public QException
{
public:
    Error() = default;
    Error(ErrorCode code, QString message, QVariantMap context = {});

    ErrorCode code() const { return m_code; }
    QString message() const { return m_message; }
    QVariantMap context() const { return m_context; }
    Error &withContext(const QString &key, const QVariant &value);

    // The message prefixed with what it is about, e.g. "Could not commit ...".
    Error prefixed(const QString &what) const;

    static QString codeName(ErrorCode code);
    QString codeName() const { return codeName(m_code); }

    QJsonObject toJson() const;
    static Error fromJson(const QJsonObject &json);

    const char *what() const noexcept override;
    void raise() const override { throw *this; }
    Error *clone() const override { return new Error(*this); }

private:
    ErrorCode m_code = ErrorCode::Internal;
    QString m_message;
    QVariantMap m_context;
    QByteArray m_what;
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::Error)
