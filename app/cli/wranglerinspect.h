// SPDX-License-Identifier: MIT
#pragma once

#include <QString>
#include <QStringList>

namespace Durable::Cli {

class CommandLine;

// `durable inspect --wrangler-state DIR VIEW [--json]`: Cloudflare's local state (a
// .wrangler/state folder or a Miniflare persist folder), read without writing to it.
// Views: objects | object CLASS ID | tables CLASS ID | sql CLASS ID "SELECT ..." | alarm CLASS ID.
// CLASS is the class name (or the <script>-<Class> folder); ID the object id or a unique prefix.
class WranglerInspect
{
public:
    static int run(const CommandLine &cli, const QString &directory, const QStringList &args,
                   bool asJson);
    static QString viewsHelp();
};

} // namespace Durable::Cli
