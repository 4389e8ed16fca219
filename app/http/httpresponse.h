// SPDX-License-Identifier: MIT
#pragma once

#include "httprequest.h"
#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <durable/core/error.h>

namespace Durable {

// A response to send: status, headers and body. A plain value, usable on any thread.
//
// The server writes Content-Length and Connection itself; values of those headers set here are
// ignored.
class HttpResponse
{
public:
    HttpResponse() = default;
    explicit HttpResponse(int status, QByteArray body = {}, QByteArray contentType = {});

    int status() const { return m_status; }
    void setStatus(int status) { m_status = status; }

    const QList<HttpHeader> &headers() const { return m_headers; }
    // Replaces every header of that name (case-insensitive) with one of this value.
    void setHeader(const QByteArray &name, const QByteArray &value);
    // Adds a header even if one of that name exists (e.g. Set-Cookie).
    void addHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;

    QByteArray body() const { return m_body; }
    void setBody(const QByteArray &body) { m_body = body; }

    // A compact JSON body with "Content-Type: application/json".
    static HttpResponse json(int status, const QJsonValue &value);
    // {"error":{"code":code,"message":message}}; code is a kebab-case name like "not-found".
    static HttpResponse error(int status, const QString &code, const QString &message);
    // {"error": error.toJson()} with the status that fits the error's code (see statusFor).
    static HttpResponse fromError(const Error &error);
    static HttpResponse text(int status, const QString &text);

    // The HTTP status an engine error maps to: NotFound -> 404, InvalidArgument -> 400, ...
    static int statusFor(ErrorCode code);
    // "OK", "Not Found", ...; "Unknown" for codes we do not name.
    static QByteArray reasonPhrase(int status);

    // How the response is framed on its connection.
    struct Framing
    {
        bool keepAlive = true;
        bool http10 = false;   // an HTTP/1.0 client is told keep-alive explicitly
        bool headOnly = false; // the answer to HEAD: headers without the body
    };
    // The response on the wire: status line, headers, Content-Length and Connection (ours, not
    // the handler's: a wrong one would desynchronise the connection), then the body.
    QByteArray toBytes(const Framing &framing) const;

private:
    int m_status = 200;
    QList<HttpHeader> m_headers;
    QByteArray m_body;
};

} // namespace Durable
