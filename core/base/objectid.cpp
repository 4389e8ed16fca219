// SPDX-License-Identifier: MIT
#include <durable/core/objectid.h>

#include <QCryptographicHash>
#include <QRandomGenerator>

namespace Durable {

ObjectId ObjectId::fromName(const QString &className, const QString &name)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(className.toUtf8());
    hash.addData(QByteArrayView("\0", 1));
    hash.addData(name.toUtf8());
    return ObjectId(hash.result());
}

ObjectId ObjectId::unique()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(bytes.data()),
                                         reinterpret_cast<quint32 *>(bytes.data() + bytes.size()));
    return ObjectId(bytes);
}

Result<ObjectId> ObjectId::fromString(const QString &text)
{
    const auto invalid = [&text](const QString &why) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Invalid object id \"%1\": %2").arg(text.left(80), why));
    };
    if (text.size() != 64)
        return invalid(QStringLiteral("expected 64 hex characters, got %1").arg(text.size()));
    for (QChar c : text) {
        const bool hex = (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') ||
                         (c >= u'A' && c <= u'F');
        if (!hex)
            return invalid(QStringLiteral("'%1' is not a hex digit").arg(c));
    }
    return ObjectId(QByteArray::fromHex(text.toLatin1()));
}

QString ObjectId::toString() const
{
    return QString::fromLatin1(m_bytes.toHex());
}

} // namespace Durable
