// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>
#include <durable/core/wranglertypes.h>

namespace Durable {

// A Cloudflare local state folder, opened to read: `.wrangler/state`, `.wrangler/state/v3`,
// `.wrangler/state/v3/do` or a Miniflare `durableObjectsPersist` folder. Lists its Durable
// Objects by class from the names of the folders and files; never opens a file for writing.
// A value: any thread.
class WranglerState
{
public:
    static Result<WranglerState> open(const QString &directory);

    QString directory() const { return m_directory; }
    // The folder of `<scriptName>-<className>` folders that was found under directory().
    QString objectsDirectory() const { return m_objectsDirectory; }

    // Sorted by class, then script, then id. Reads the folder again on every call.
    QList<WranglerObjectInfo> objects() const;
    QStringList classNames() const;

    // The object of a class (or folder name) whose id is id or starts with it; an error that
    // names what exists when none or several match.
    Result<WranglerObjectInfo> find(const QString &className, const QString &idOrPrefix) const;

private:
    QString m_directory;
    QString m_objectsDirectory;
};

} // namespace Durable
