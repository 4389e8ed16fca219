// SPDX-License-Identifier: MIT
#include "httprequest.h"
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace Durable {

namespace {

QString decodeSegment(QByteArrayView segment)
{
    if (!segment.contains('%'))
        return QString::fromUtf8(segment);
    return QString::fromUtf8(QByteArray::fromPercentEncoding(segment.toByteArray()));
}

} // namespace

void HttpRequest::setRawPath(const QByteArray &rawPath)
{
    m_rawPath = rawPath;
    m_segments.clear();
    // "/" has no segments; "/a/b" has two; "/a/" has "a" and an empty one.
    QByteArrayView rest(rawPath);
    if (rest.startsWith('/'))
        rest = rest.sliced(1);
    if (rest.isEmpty())
        return;
    while (true) {
        const qsizetype slash = rest.indexOf('/');
        if (slash < 0) {
            m_segments.append(decodeSegment(rest));
            break;
        }
        m_segments.append(decodeSegment(rest.first(slash)));
        rest = rest.sliced(slash + 1);
    }
}

QString HttpRequest::path() const
{
    return QString::fromUtf8(QByteArray::fromPercentEncoding(m_rawPath));
}

QUrlQuery HttpRequest::query() const
{
    return QUrlQuery(QString::fromUtf8(m_rawQuery));
}

void HttpRequest::addHeader(const QByteArray &name, const QByteArray &value)
{
    m_headers.append(HttpHeader(name.toLower(), value));
}

bool HttpRequest::hasHeader(QByteArrayView name) const
{
    for (const HttpHeader &header : m_headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const HttpHeader &header : m_headers) {
        if (QByteArrayView(header.first).compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

Result<QJsonValue> HttpRequest::jsonBody() const
{
    qsizetype start = 0;
    while (start < m_body.size() && QByteArrayView(" \t\r\n").contains(m_body.at(start)))
        ++start;
    if (start == m_body.size()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Request body is empty; expected a JSON value"));
    }

    // QJsonDocument only takes an object or an array at the top level; wrap other values in an
    // array and take the offset back out of the error.
    const bool container = m_body.at(start) == '{' || m_body.at(start) == '[';
    QJsonParseError parseError;
    const QJsonDocument document = container
                                       ? QJsonDocument::fromJson(m_body, &parseError)
                                       : QJsonDocument::fromJson('[' + m_body + ']', &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        const int offset = container ? parseError.offset : qMax(0, parseError.offset - 1);
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Request body is not valid JSON: %1 at offset %2")
                         .arg(parseError.errorString())
                         .arg(offset),
                     {{QStringLiteral("offset"), offset}});
    }
    if (container)
        return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    const QJsonArray array = document.array();
    if (array.size() != 1) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Request body is not valid JSON: expected one value, found "
                                    "%1")
                         .arg(array.size()));
    }
    return array.at(0);
}

void HttpRequest::setPeer(const QHostAddress &address, quint16 port)
{
    m_peerAddress = address;
    m_peerPort = port;
}

} // namespace Durable
