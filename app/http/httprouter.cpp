// SPDX-License-Identifier: MIT
#include "httprouter.h"

namespace Durable {

QString HttpRouter::add(const QByteArray &method, const QString &pattern, HttpHandler handler,
                        HttpUpgradeHandler upgrade)
{
    if (method.isEmpty())
        return QStringLiteral("Route %1 has an empty method").arg(pattern);
    if (!pattern.startsWith(QLatin1Char('/')))
        return QStringLiteral("Route pattern \"%1\" must start with '/'").arg(pattern);
    if (!handler)
        return QStringLiteral("Route %1 %2 has no handler")
            .arg(QString::fromLatin1(method), pattern);

    Route route;
    route.method = method;
    route.pattern = pattern;
    route.handler = std::move(handler);
    route.upgrade = std::move(upgrade);
    if (pattern.size() > 1) {
        QStringList names;
        const QStringList parts = pattern.mid(1).split(QLatin1Char('/'));
        for (const QString &part : parts) {
            Segment segment;
            if (part.startsWith(QLatin1Char('{')) && part.endsWith(QLatin1Char('}')) &&
                part.size() > 2) {
                segment.parameter = true;
                segment.text = part.mid(1, part.size() - 2);
                if (names.contains(segment.text)) {
                    return QStringLiteral("Route pattern \"%1\" uses parameter {%2} twice")
                        .arg(pattern, segment.text);
                }
                names.append(segment.text);
            } else if (part.contains(QLatin1Char('{')) || part.contains(QLatin1Char('}'))) {
                return QStringLiteral("Route pattern \"%1\": segment \"%2\" must be a literal or "
                                      "a whole {parameter}")
                    .arg(pattern, part);
            } else {
                segment.text = part;
                ++route.literalCount;
            }
            route.segments.append(segment);
        }
    }
    for (Route &existing : m_routes) {
        if (existing.method == method && existing.pattern == pattern) {
            existing = std::move(route);
            return {};
        }
    }
    m_routes.append(std::move(route));
    return {};
}

bool HttpRouter::matches(const Route &route, const QStringList &segments)
{
    if (route.segments.size() != segments.size())
        return false;
    for (qsizetype i = 0; i < segments.size(); ++i) {
        const Segment &segment = route.segments.at(i);
        if (!segment.parameter && segment.text != segments.at(i))
            return false;
    }
    return true;
}

HttpRouter::Match HttpRouter::match(const QByteArray &method, const QStringList &segments) const
{
    // Several patterns may match ("/objects/{id}" and "/objects/new"); the most literal wins.
    const Route *best = nullptr;
    const Route *bestGetForHead = nullptr;
    bool pathKnown = false;
    for (const Route &route : m_routes) {
        if (!matches(route, segments))
            continue;
        pathKnown = true;
        if (route.method == method) {
            if (!best || route.literalCount > best->literalCount)
                best = &route;
        } else if (method == "HEAD" && route.method == "GET") {
            if (!bestGetForHead || route.literalCount > bestGetForHead->literalCount)
                bestGetForHead = &route;
        }
    }
    if (!best)
        best = bestGetForHead;

    Match result;
    if (best) {
        result.outcome = Outcome::Found;
        result.handler = &best->handler;
        if (best->upgrade)
            result.upgrade = &best->upgrade;
        for (qsizetype i = 0; i < segments.size(); ++i) {
            const Segment &segment = best->segments.at(i);
            if (segment.parameter)
                result.params.insert(segment.text, segments.at(i));
        }
        return result;
    }
    if (!pathKnown)
        return result;

    result.outcome = Outcome::WrongMethod;
    QList<QByteArray> methods;
    for (const Route &route : m_routes) {
        if (matches(route, segments) && !methods.contains(route.method)) {
            methods.append(route.method);
            if (route.method == "GET" && !methods.contains("HEAD"))
                methods.append(QByteArrayLiteral("HEAD"));
        }
    }
    result.allow = methods.join(", ");
    return result;
}

} // namespace Durable
