// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/result.h>
#include <durable/core/wranglertypes.h>

#include <memory>

namespace Durable {

// One Durable Object's SQLite file from a wrangler state folder, open to read.
//
// workerd keeps the file in WAL mode and usually leaves recent writes in `<id>.sqlite-wal`, so
// opening the file itself read-only or immutable would miss them, and a read-only connection
// to a WAL database still writes its `-shm` index. So open() copies the `.sqlite`, its `-wal`
// and any `-journal` (reading them only) into a private temporary folder and opens the copy:
// nothing is ever written beside the original. The copy goes when the object does.
//
// query() runs one statement and refuses any that would write (sqlite3_stmt_readonly), ATTACH
// and pragmas that set something. Not thread-safe: use one from one thread at a time.
class WranglerObject
{
public:
    ~WranglerObject();
    WranglerObject(const WranglerObject &) = delete;
    WranglerObject &operator=(const WranglerObject &) = delete;

    static Result<std::unique_ptr<WranglerObject>> open(const WranglerObjectInfo &info);

    const WranglerObjectInfo &info() const { return m_info; }

    Result<QList<WranglerEntry>> entries() const;
    Result<QList<WranglerTable>> tables() const;
    Result<WranglerAlarm> alarm() const;
    Result<SqlResult> query(const QString &sql) const;

    // open() and all of the above, for a worker thread.
    static Result<WranglerObjectSnapshot> snapshot(const WranglerObjectInfo &info);
    // open() and query(), for a worker thread.
    static Result<SqlResult> query(const WranglerObjectInfo &info, const QString &sql);

private:
    struct Private;
    explicit WranglerObject(std::unique_ptr<Private> d, WranglerObjectInfo info);

    std::unique_ptr<Private> d;
    WranglerObjectInfo m_info;
};

} // namespace Durable
