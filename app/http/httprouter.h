// SPDX-License-Identifier: MIT
#pragma once

#include "httpserver.h"
#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

namespace Durable {

// The routing table of an HttpServer: method + pattern -> handler. Patterns are split into
// segments once when added; matching a request is a walk over its already-decoded segments,
// with no regular expressions and no allocation unless a route matches.
class HttpRouter
{
public:
    enum class Outcome { Found, NoPath, WrongMethod };

    struct Match
    {
        Outcome outcome = Outcome::NoPath;
        const HttpHandler *handler = nullptr;
        const HttpUpgradeHandler *upgrade = nullptr; // set for an upgrade route
        HttpPathParams params;
        QByteArray allow; // for WrongMethod: "GET, POST"
    };

    // Returns an error message for an invalid pattern, or an empty string. upgrade: see
    // HttpServer::routeUpgrade().
    QString add(const QByteArray &method, const QString &pattern, HttpHandler handler,
                HttpUpgradeHandler upgrade = {});
    Match match(const QByteArray &method, const QStringList &segments) const;

private:
    struct Segment
    {
        QString text; // literal text, or the parameter name
        bool parameter = false;
    };

    struct Route
    {
        QByteArray method;
        QString pattern;
        QList<Segment> segments;
        int literalCount = 0;
        HttpHandler handler;
        HttpUpgradeHandler upgrade;
    };

    static bool matches(const Route &route, const QStringList &segments);

    QList<Route> m_routes;
};

} // namespace Durable
