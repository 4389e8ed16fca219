// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QJsonValue>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>
#include <durable/core/result.h>

namespace Durable {

// Values of the {param} segments of a route pattern, by parameter name, percent-decoded.
using HttpPathParams = QHash<QString, QString>;

// One HTTP header: name and value as sent on the wire.
using HttpHeader = QPair<QByteArray, QByteArray>;

// One parsed HTTP/1.x request: a plain value, cheap to copy (implicitly shared members), usable
// on any thread. The server fills it; handlers read it. Header names are stored lowercased and
// looked up case-insensitively.
class HttpRequest
{
public:
    // e.g. "GET", "POST"; case-sensitive as in RFC 9110.
    QByteArray method() const { return m_method; }
    void setMethod(const QByteArray &method) { m_method = method; }

    // The request target's path as sent (still percent-encoded), without the query.
    QByteArray rawPath() const { return m_rawPath; }
    // Sets the raw path and derives the decoded path segments from it.
    void setRawPath(const QByteArray &rawPath);
    // The path, percent-decoded (UTF-8). Use pathSegments() when segments may contain "%2F".
    QString path() const;
    // The path split at '/', each segment percent-decoded: "/a/b%2Fc" -> ["a", "b/c"].
    const QStringList &pathSegments() const { return m_segments; }

    // The raw query string after '?', without the '?'.
    QByteArray rawQuery() const { return m_rawQuery; }
    void setRawQuery(const QByteArray &rawQuery) { m_rawQuery = rawQuery; }
    QUrlQuery query() const;

    // Minor version of HTTP/1.x: 0 or 1.
    int minorVersion() const { return m_minorVersion; }
    void setMinorVersion(int minorVersion) { m_minorVersion = minorVersion; }

    // All headers in order, names lowercased.
    const QList<HttpHeader> &headers() const { return m_headers; }
    // Adds a header; the name is lowercased.
    void addHeader(const QByteArray &name, const QByteArray &value);
    bool hasHeader(QByteArrayView name) const;
    // The first value of the header, or an empty array.
    QByteArray header(QByteArrayView name) const;

    QByteArray body() const { return m_body; }
    void setBody(const QByteArray &body) { m_body = body; }

    // The body parsed as JSON (any JSON value, not only objects), or an InvalidArgument error
    // saying where and why parsing failed.
    Result<QJsonValue> jsonBody() const;

    QHostAddress peerAddress() const { return m_peerAddress; }
    quint16 peerPort() const { return m_peerPort; }
    void setPeer(const QHostAddress &address, quint16 port);

private:
    QByteArray m_method;
    QByteArray m_rawPath;
    QStringList m_segments;
    QByteArray m_rawQuery;
    QList<HttpHeader> m_headers;
    QByteArray m_body;
    QHostAddress m_peerAddress;
    quint16 m_peerPort = 0;
    int m_minorVersion = 1;
};

} // namespace Durable
