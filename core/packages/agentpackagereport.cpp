// SPDX-License-Identifier: MIT
#include <durable/core/agentpackagereport.h>

#include <QFileInfo>

namespace Durable {

QString AgentPackageReport::summary() const
{
    if (error)
        return error->message();
    const QString classList = classes.isEmpty() ? QStringLiteral("no classes")
                                                : classes.join(QStringLiteral(", "));
    const QString label =
        QStringLiteral("%1 (%2): %3").arg(name, QFileInfo(file).fileName(), classList);
    return reloads == 0 ? label : QStringLiteral("%1, reloaded %2×").arg(label).arg(reloads);
}

} // namespace Durable
