// SPDX-License-Identifier: MIT
#include <durable/core/wranglerstate.h>

#include <QDir>
#include <QFileInfo>

#include <algorithm>

namespace Durable {

namespace {

const QString s_sqliteSuffix = QStringLiteral(".sqlite");

QStringList objectFiles(const QDir &classDir)
{
    return classDir.entryList({QStringLiteral("*.sqlite")}, QDir::Files | QDir::Hidden, QDir::Name);
}

bool holdsObjects(const QDir &dir)
{
    const QStringList folders = dir.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    return std::any_of(folders.cbegin(), folders.cend(), [&dir](const QString &folder) {
        return !objectFiles(QDir(dir.filePath(folder))).isEmpty();
    });
}

} // namespace

Result<WranglerState> WranglerState::open(const QString &directory)
{
    const QFileInfo info(directory);
    if (!info.exists())
        return Error(ErrorCode::NotFound, QStringLiteral("%1 does not exist").arg(directory));
    if (!info.isDir())
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1 is not a folder; give .wrangler/state (or its v3 or v3/do "
                                    "folder, or a Miniflare durableObjectsPersist folder)")
                         .arg(directory));
    WranglerState state;
    state.m_directory = QDir::cleanPath(info.absoluteFilePath());
    const QDir root(state.m_directory);
    // From the most specific layout to the least: .wrangler, .wrangler/state, .../v3, then a
    // folder that holds the <script>-<Class> folders itself (.../v3/do or a persist folder).
    const QStringList layouts {QStringLiteral("state/v3/do"), QStringLiteral("v3/do"),
                               QStringLiteral("do")};
    for (const QString &layout : layouts) {
        if (QFileInfo(root.filePath(layout)).isDir()) {
            state.m_objectsDirectory = QDir::cleanPath(root.filePath(layout));
            return state;
        }
    }
    if (holdsObjects(root) || root.dirName() == QLatin1String("do")) {
        state.m_objectsDirectory = state.m_directory;
        return state;
    }
    // A state folder in which no Durable Object has stored anything yet.
    for (const QString &layout : {QStringLiteral("state/v3"), QStringLiteral("v3")}) {
        if (QFileInfo(root.filePath(layout)).isDir()) {
            state.m_objectsDirectory = QDir::cleanPath(
                root.filePath(layout + QStringLiteral("/do")));
            return state;
        }
    }
    if (root.dirName() == QLatin1String("v3")) {
        state.m_objectsDirectory = root.filePath(QStringLiteral("do"));
        return state;
    }
    return Error(ErrorCode::NotFound,
                 QStringLiteral("%1 holds no Durable Objects: expected "
                                "v3/do/<script>-<Class>/<id>.sqlite (as in .wrangler/state) or "
                                "<script>-<Class>/<id>.sqlite (a Miniflare persist folder)")
                     .arg(directory));
}

QList<WranglerObjectInfo> WranglerState::objects() const
{
    QList<WranglerObjectInfo> objects;
    const QDir root(m_objectsDirectory);
    for (const QString &folder : root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name)) {
        const QDir classDir(root.filePath(folder));
        // JavaScript class names cannot hold '-', script names can: split at the last one.
        const qsizetype dash = folder.lastIndexOf(QLatin1Char('-'));
        for (const QString &file : objectFiles(classDir)) {
            WranglerObjectInfo object;
            object.directoryName = folder;
            object.className = dash < 0 ? folder : folder.mid(dash + 1);
            object.scriptName = dash < 0 ? QString() : folder.left(dash);
            object.id = file.chopped(s_sqliteSuffix.size());
            object.filePath = classDir.absoluteFilePath(file);
            object.sizeBytes = QFileInfo(object.filePath).size();
            const QFileInfo wal(object.filePath + QStringLiteral("-wal"));
            if (wal.exists())
                object.sizeBytes += wal.size();
            objects.append(object);
        }
    }
    std::stable_sort(objects.begin(), objects.end(),
                     [](const WranglerObjectInfo &a, const WranglerObjectInfo &b) {
                         return std::tie(a.className, a.scriptName, a.id) <
                                std::tie(b.className, b.scriptName, b.id);
                     });
    return objects;
}

QStringList WranglerState::classNames() const
{
    QStringList names;
    for (const WranglerObjectInfo &object : objects()) {
        if (!names.contains(object.className))
            names.append(object.className);
    }
    return names;
}

Result<WranglerObjectInfo> WranglerState::find(const QString &className,
                                               const QString &idOrPrefix) const
{
    QList<WranglerObjectInfo> ofClass;
    for (const WranglerObjectInfo &object : objects()) {
        if (object.className == className || object.directoryName == className)
            ofClass.append(object);
    }
    if (ofClass.isEmpty()) {
        const QStringList known = classNames();
        return Error(ErrorCode::NotFound,
                     QStringLiteral("no Durable Object class \"%1\" in %2 (%3)")
                         .arg(className, m_objectsDirectory,
                              known.isEmpty() ? QStringLiteral("it holds none")
                                              : QStringLiteral("classes: ") +
                                                    known.join(QStringLiteral(", "))));
    }
    QList<WranglerObjectInfo> matches;
    for (const WranglerObjectInfo &object : ofClass) {
        if (object.id == idOrPrefix)
            return object;
        if (!idOrPrefix.isEmpty() && object.id.startsWith(idOrPrefix, Qt::CaseInsensitive))
            matches.append(object);
    }
    if (matches.size() == 1)
        return matches.first();
    QStringList ids;
    for (const WranglerObjectInfo &object : matches.isEmpty() ? ofClass : matches)
        ids.append(object.id);
    return Error(matches.isEmpty() ? ErrorCode::NotFound : ErrorCode::InvalidArgument,
                 QStringLiteral("%1 %2 \"%3\"; its objects: %4")
                     .arg(className,
                          matches.isEmpty() ? QStringLiteral("has no object")
                                            : QStringLiteral("has several objects starting with"),
                          idOrPrefix, ids.join(QStringLiteral(", "))));
}

} // namespace Durable
