// SPDX-License-Identifier: MIT
#include <durable/core/error.h>

#include <QJsonDocument>

namespace Durable {

Error::Error(ErrorCode code, QString message, QVariantMap context)
    : m_code(code), m_message(std::move(message)), m_context(std::move(context))
{
    m_what = m_message.toUtf8();
}

Error &Error::withContext(const QString &key, const QVariant &value)
{
    m_context.insert(key, value);
    return *this;
}

Error Error::prefixed(const QString &what) const
{
    Error copy(m_code, what + QStringLiteral(": ") + m_message, m_context);
    return copy;
}

QString Error::codeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::Internal:
        return QStringLiteral("internal");
    case ErrorCode::InvalidArgument:
        return QStringLiteral("invalid-argument");
    case ErrorCode::UnknownClass:
        return QStringLiteral("unknown-class");
    case ErrorCode::UnknownMethod:
        return QStringLiteral("unknown-method");
    case ErrorCode::NotFound:
        return QStringLiteral("not-found");
    case ErrorCode::Overloaded:
        return QStringLiteral("overloaded");
    case ErrorCode::LimitExceeded:
        return QStringLiteral("limit-exceeded");
    case ErrorCode::ReservedTable:
        return QStringLiteral("reserved-table");
    case ErrorCode::SqlError:
        return QStringLiteral("sql-error");
    case ErrorCode::StorageError:
        return QStringLiteral("storage-error");
    case ErrorCode::CommitFailed:
        return QStringLiteral("commit-failed");
    case ErrorCode::Corrupt:
        return QStringLiteral("corrupt");
    case ErrorCode::Quarantined:
        return QStringLiteral("quarantined");
    case ErrorCode::Crashed:
        return QStringLiteral("crashed");
    case ErrorCode::HandlerFailed:
        return QStringLiteral("handler-failed");
    case ErrorCode::Io:
        return QStringLiteral("io");
    case ErrorCode::Network:
        return QStringLiteral("network");
    case ErrorCode::Timeout:
        return QStringLiteral("timeout");
    case ErrorCode::ShuttingDown:
        return QStringLiteral("shutting-down");
    case ErrorCode::Conflict:
        return QStringLiteral("conflict");
    }
    return QStringLiteral("internal");
}

QJsonObject Error::toJson() const
{
    QJsonObject json {{QStringLiteral("code"), codeName()}, {QStringLiteral("message"), m_message}};
    if (!m_context.isEmpty())
        json.insert(QStringLiteral("context"), QJsonObject::fromVariantMap(m_context));
    return json;
}

Error Error::fromJson(const QJsonObject &json)
{
    const QString name = json.value(QStringLiteral("code")).toString();
    ErrorCode code = ErrorCode::Internal;
    for (int i = 0; i <= int(ErrorCode::Conflict); ++i) {
        if (codeName(ErrorCode(i)) == name)
            code = ErrorCode(i);
    }
    return Error(code, json.value(QStringLiteral("message")).toString(),
                 json.value(QStringLiteral("context")).toObject().toVariantMap());
}

const char *Error::what() const noexcept
{
    return m_what.constData();
}

} // namespace Durable
