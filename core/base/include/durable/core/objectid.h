// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>

#include <QByteArray>
#include <QHashFunctions>
#include <QMetaType>
#include <QString>

namespace Durable {

// The globally unique identity of a durable object: 32 bytes, written as 64 hex characters.
class ObjectId
{
public:
    ObjectId() = default;

    // Deterministic: SHA-256 of the class name, a NUL, and the name.
    static ObjectId fromName(const QString &className, const QString &name);
    static ObjectId unique();
    // Validates: exactly 64 hex characters (either case).
    static Result<ObjectId> fromString(const QString &text);

    bool isNull() const { return m_bytes.isEmpty(); }
    QString toString() const;
    QByteArray bytes() const { return m_bytes; }

    friend bool operator==(const ObjectId &a, const ObjectId &b) { return a.m_bytes == b.m_bytes; }
    friend bool operator!=(const ObjectId &a, const ObjectId &b) { return !(a == b); }
    friend bool operator<(const ObjectId &a, const ObjectId &b) { return a.m_bytes < b.m_bytes; }
    friend size_t qHash(const ObjectId &id, size_t seed = 0) { return qHash(id.m_bytes, seed); }

private:
    explicit ObjectId(QByteArray bytes) : m_bytes(std::move(bytes)) { }
    QByteArray m_bytes;
};

} // namespace Durable

Q_DECLARE_METATYPE(Durable::ObjectId)
