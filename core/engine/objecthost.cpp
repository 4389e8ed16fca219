// SPDX-License-Identifier: MIT
#include "objecthost.h"

#include "turnextension.h"

#include "databasefiles.h"
#include "enginecore.h"
#include "worker.h"

#include <algorithm>

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>
#include <QThread>

namespace Durable {

ObjectHost::ObjectHost(EngineCore &core, std::shared_ptr<const ClassInfo> cls, ObjectId id,
                       QString name)
    : m_core(core), m_className(cls->name), m_class(std::move(cls)), m_id(std::move(id)),
      m_name(std::move(name))
{
    m_journal.setFacets(TurnExtension::installed());
}

ObjectHost::~ObjectHost() = default;

Stub ObjectHost::stub(const QString &className, const QString &name) const
{
    return m_core.makeStub(className, name, ObjectId::fromName(className, name)).orThrow();
}

Stub ObjectHost::stub(const QString &className, const ObjectId &id) const
{
    return m_core.makeStub(className, QString(), id).orThrow();
}

qint64 ObjectHost::nowMs() const
{
    return m_core.clock().nowMs();
}

bool ObjectHost::onWorkerThread() const
{
    return QThread::currentThread() == m_core.workerFor(m_id).thread();
}

bool ObjectHost::runsReplacedClass() const
{
    Q_ASSERT(onWorkerThread());
    return m_core.classInfo(m_className) != m_class;
}

QString ObjectHost::label() const
{
    return m_className + u'/' + (m_name.isEmpty() ? m_id.toString().left(16) : m_name);
}

QString ObjectHost::filePath() const
{
    return m_core.objectPath(m_className, m_id);
}

Result<void> ObjectHost::activate(bool &created)
{
    Q_ASSERT(onWorkerThread());
    created = false;
    if (m_state == State::Quarantined)
        return m_quarantineError;
    if (m_db.isOpen())
        return {};
    const QString path = filePath();
    const QFileInfo info(path);
    auto expected = m_core.catalog().expectedSeq(m_id.toString());
    if (!expected)
        return expected.error();
    if (auto ok = checkFileExpected(info, expected.value()); !ok)
        return ok;
    // The class as registered now: a reload between two activations takes effect here.
    if (std::shared_ptr<const ClassInfo> current = m_core.classInfo(m_className))
        m_class = std::move(current);
    created = !info.exists();
    if (created && !QDir().mkpath(info.absolutePath())) {
        return Error(ErrorCode::Io, QStringLiteral("Could not create the directory %1 for %2")
                                        .arg(info.absolutePath(), label()));
    }
    ObjectMeta meta {m_className, m_id.toString(), m_name, m_core.clock().nowMs(), created};
    m_db.setLabel(label());
    m_db.setAlarmsAllowed(m_class->options.handlesAlarms);
    m_db.setSqlLimits(m_core.options().sqlBudget, &m_core.stopping());
    if (auto ok = m_db.open(path, meta, m_core.options().durability); !ok)
        return ok;
    try {
        m_journal.setRetention(m_class->options.retention);
        m_journal.load();
    } catch (const Error &error) {
        m_db.close();
        return error;
    }
    if (expected.value() && m_journal.lastSeq() < *expected.value()) {
        m_journal.close();
        m_db.close();
        return damaged(QStringLiteral("its journal ends at turn #%1 but the catalog recorded "
                                      "turn #%2: committed turns are missing from %3 or its -wal")
                           .arg(m_journal.lastSeq())
                           .arg(*expected.value())
                           .arg(path));
    }
    // What the catalog holds already need not be written again when nothing changed.
    notedSeq = std::max<qint64>(0, expected.value().value_or(0));
    if (m_name.isEmpty() && !meta.name.isEmpty()) {
        m_name = meta.name;
        m_db.setLabel(label());
    }
    createdMs = meta.createdMs;
    m_state = State::Active;
    return {};
}

// The catalog knows every object that ever committed: such an object's file must be there
// and not empty. Recreating it would serve a new, empty object under the old one's name.
Result<void> ObjectHost::checkFileExpected(const QFileInfo &file,
                                           const std::optional<qint64> &expectedSeq) const
{
    if (!expectedSeq || *expectedSeq < 0)
        return {}; // a new object, or one a repair reset: no file expected
    if (!file.exists()) {
        return damaged(QStringLiteral("its data file %1 is missing, but the catalog records the "
                                      "object (last committed turn #%2)")
                           .arg(file.filePath())
                           .arg(*expectedSeq));
    }
    if (file.size() == 0) {
        return damaged(QStringLiteral("its data file %1 is empty, but the catalog records the "
                                      "object (last committed turn #%2)")
                           .arg(file.filePath())
                           .arg(*expectedSeq));
    }
    return {};
}

Error ObjectHost::damaged(const QString &what) const
{
    return Error(
               ErrorCode::Corrupt,
               QStringLiteral(
                   "%1. It was not started empty. Put back the file (with its -wal, "
                   "if the backup has one) and run: %2 accept; or start it empty (its "
                   "damaged files are kept aside) with: %2 reset. The studio's Repair button does "
                   "the same.")
                   .arg(what, repairCommand()))
        .withContext(QStringLiteral("file"), filePath());
}

// The `durable repair` command line for this object, ready to paste into a POSIX shell.
QString ObjectHost::repairCommand() const
{
    const auto quoted = [](const QString &word) -> QString {
        static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:@%+=-]+$"));
        if (plain.match(word).hasMatch())
            return word;
        QString escaped = word;
        escaped.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
        return QLatin1Char('\'') + escaped + QLatin1Char('\'');
    };
    const QString target =
        m_name.isEmpty() ? QStringLiteral("%1 --id %2").arg(quoted(m_className), m_id.toString())
                         : QStringLiteral("%1 %2").arg(quoted(m_className), quoted(m_name));
    QStringList words {QStringLiteral("durable repair")};
    for (const QString &argument : m_core.options().repairArguments)
        words.append(quoted(argument));
    words << QStringLiteral("--data") << quoted(QDir::toNativeSeparators(m_core.options().dataDir))
          << target;
    return words.join(QLatin1Char(' '));
}

DurableObject &ObjectHost::instance()
{
    Q_ASSERT(onWorkerThread());
    if (!m_instance) {
        std::unique_ptr<DurableObject> fresh = m_class->factory();
        if (!fresh) {
            throw Error(
                ErrorCode::Internal,
                QStringLiteral("The factory of class %1 returned no object").arg(m_className));
        }
        fresh->m_context = this;
        fresh->onStart(); // throws: the caller's turn fails and no instance is kept
        m_instance = std::move(fresh);
    }
    return *m_instance;
}

void ObjectHost::close()
{
    Q_ASSERT(onWorkerThread());
    m_instance.reset();
    m_journal.close();
    m_db.close();
    if (m_state == State::Active)
        m_state = State::Hibernated;
}

Result<QString> ObjectHost::repair(Repair how)
{
    Q_ASSERT(onWorkerThread());
    Q_ASSERT(m_state == State::Quarantined);
    const QString path = filePath();
    const QFileInfo file(path);
    const bool usable = file.exists() && file.size() > 0;
    QString note;
    qint64 expected = -1; // no file expected: the object starts empty
    if (how == Repair::Reset) {
        const QString aside = DatabaseFiles::asidePath(path);
        const auto kept = DatabaseFiles::moveAside(path, aside);
        if (!kept)
            return kept.error().prefixed(QStringLiteral("Could not reset %1").arg(label()));
        note = kept.value()
                   ? QStringLiteral("%1 was reset: it starts empty on its next call; its "
                                    "damaged data is kept in %2")
                         .arg(label(), aside)
                   : QStringLiteral("%1 was reset: it starts empty on its next call (it had "
                                    "no data file to keep)")
                         .arg(label());
    } else {
        expected = usable ? 0 : -1;
        note = usable ? QStringLiteral("%1 was accepted as found: its next call opens %2 as it is")
                            .arg(label(), path)
                      : QStringLiteral("%1 was accepted as found: it has no data, so it starts "
                                       "empty on its next call")
                            .arg(label());
    }
    if (auto ok = m_core.catalog().setExpectedSeq(m_id.toString(), expected); !ok)
        return ok.error().prefixed(QStringLiteral("Could not repair %1").arg(label()));
    m_state = State::Hibernated;
    m_quarantineError = Error();
    return note;
}

void ObjectHost::quarantine(const Error &why)
{
    Q_ASSERT(onWorkerThread());
    m_instance.reset();
    m_journal.close();
    m_db.close();
    m_state = State::Quarantined;
    m_quarantineError = Error(ErrorCode::Quarantined,
                              QStringLiteral("%1 is quarantined: %2").arg(label(), why.message()),
                              why.context());
    m_quarantineError.withContext(QStringLiteral("file"), filePath());
}

} // namespace Durable
