// SPDX-License-Identifier: MIT
#pragma once

#include <QJsonObject>
#include <QString>

namespace Durable {

// One WebSocket client of an agent, as its onConnect(), onMessage() and onClose() turns see it.
// The gateway holds the socket; the agent knows it by id, which stays the same for as long as
// the socket is open, and never comes back after it closed.
struct AgentConnection
{
    QString id;        // "c-…", unique within the serving process
    QJsonObject query; // the connect URL's query parameters, without the access token

    QJsonObject toJson() const
    {
        return {{QStringLiteral("id"), id}, {QStringLiteral("query"), query}};
    }
};

} // namespace Durable
