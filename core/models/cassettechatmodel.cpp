// SPDX-License-Identifier: MIT
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>
#include <QThread>
#include <algorithm>
#include <durable/core/cassettechatmodel.h>
#include <vector>

namespace Durable {

namespace {

const int s_cassetteVersion = 1;

QString quoted(const QString &text, int limit = 120)
{
    const QString simplified = text.simplified();
    return QLatin1Char('"') +
           (simplified.size() <= limit ? simplified
                                       : simplified.left(limit) + QStringLiteral("…")) +
           QLatin1Char('"');
}

// Edit distance, on bounded prefixes: it only ranks candidates for an error message.
int editDistance(const QString &left, const QString &right)
{
    const QString a = left.left(400);
    const QString b = right.left(400);
    std::vector<int> previous(size_t(b.size()) + 1);
    std::vector<int> current(size_t(b.size()) + 1);
    for (size_t j = 0; j < previous.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const int substitution = previous[size_t(j - 1)] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[size_t(j)] = std::min(
                {previous[size_t(j)] + 1, current[size_t(j - 1)] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[size_t(b.size())];
}

// Both texts around their first difference, so a long prompt's small change is visible.
QString textDifference(const QString &recorded, const QString &requested)
{
    qsizetype common = 0;
    while (common < recorded.size() && common < requested.size() &&
           recorded[common] == requested[common])
        ++common;
    const qsizetype start = std::max<qsizetype>(0, common - 20);
    const auto excerpt = [start](const QString &text) {
        QString part = text.mid(start, 60);
        if (start > 0)
            part.prepend(QStringLiteral("…"));
        if (start + 60 < text.size())
            part.append(QStringLiteral("…"));
        return QLatin1Char('"') + part + QLatin1Char('"');
    };
    return QStringLiteral("recorded %1, requested %2 (from character %3)")
        .arg(excerpt(recorded), excerpt(requested), QString::number(common));
}

QStringList differences(const ChatRequest &recorded, const ChatRequest &requested)
{
    QStringList result;
    if (recorded.model != requested.model)
        result.append(QStringLiteral("model: recorded %1, requested %2")
                          .arg(quoted(recorded.model), quoted(requested.model)));
    if (recorded.messages.size() != requested.messages.size())
        result.append(QStringLiteral("message count: recorded %1, requested %2")
                          .arg(recorded.messages.size())
                          .arg(requested.messages.size()));
    const qsizetype common = std::min(recorded.messages.size(), requested.messages.size());
    for (qsizetype i = 0; i < common; ++i) {
        const ChatMessage &a = recorded.messages.at(i);
        const ChatMessage &b = requested.messages.at(i);
        if (a == b)
            continue;
        const QString where =
            QStringLiteral("message %1 (%2)").arg(i + 1).arg(ChatMessage::roleName(b.role));
        if (a.role != b.role)
            result.append(QStringLiteral("%1: role recorded as %2")
                              .arg(where, ChatMessage::roleName(a.role)));
        else if (a.content != b.content)
            result.append(
                QStringLiteral("%1 content: %2").arg(where, textDifference(a.content, b.content)));
        else
            result.append(QStringLiteral("%1: tool calls, tool call id or name").arg(where));
        break; // later messages usually differ as a consequence
    }
    if (recorded.tools != requested.tools) {
        QStringList recordedNames;
        for (const ToolDefinition &tool : recorded.tools)
            recordedNames.append(tool.name);
        QStringList requestedNames;
        for (const ToolDefinition &tool : requested.tools)
            requestedNames.append(tool.name);
        if (recordedNames != requestedNames)
            result.append(QStringLiteral("tools: recorded [%1], requested [%2]")
                              .arg(recordedNames.join(QStringLiteral(", ")),
                                   requestedNames.join(QStringLiteral(", "))));
        else
            result.append(QStringLiteral("tool descriptions or parameter schemas"));
    }
    const auto optionalText = [](const auto &value) {
        return value ? QString::number(*value) : QStringLiteral("unset");
    };
    if (recorded.temperature != requested.temperature)
        result.append(
            QStringLiteral("temperature: recorded %1, requested %2")
                .arg(optionalText(recorded.temperature), optionalText(requested.temperature)));
    if (recorded.maxTokens != requested.maxTokens)
        result.append(
            QStringLiteral("maxTokens: recorded %1, requested %2")
                .arg(optionalText(recorded.maxTokens), optionalText(requested.maxTokens)));
    return result;
}

} // namespace

CassetteChatModel::CassetteChatModel(Mode mode, QString path, ChatModel *inner)
    : m_mode(mode), m_path(std::move(path)), m_inner(inner)
{ }

CassetteChatModel::~CassetteChatModel() = default;

Result<std::unique_ptr<CassetteChatModel>> CassetteChatModel::record(const QString &path,
                                                                     ChatModel *inner)
{
    if (!inner) {
        return Error(
            ErrorCode::InvalidArgument,
            QStringLiteral("Cannot record cassette %1 without a model to record").arg(path));
    }
    std::unique_ptr<CassetteChatModel> model(new CassetteChatModel(Mode::Record, path, inner));
    if (QFileInfo::exists(path)) {
        Result<void> loaded = model->load();
        if (!loaded)
            return loaded.error();
    }
    return model;
}

Result<std::unique_ptr<CassetteChatModel>> CassetteChatModel::replay(const QString &path)
{
    std::unique_ptr<CassetteChatModel> model(new CassetteChatModel(Mode::Replay, path, nullptr));
    Result<void> loaded = model->load();
    if (!loaded)
        return loaded.error();
    return model;
}

Result<void> CassetteChatModel::load()
{
    const QString prefix = QStringLiteral("Could not read cassette %1").arg(m_path);
    const QVariantMap context {{QStringLiteral("file"), m_path}};
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorCode::Io, prefix + QStringLiteral(": ") + file.errorString(), context);
    const QByteArray data = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1: %2 at offset %3")
                         .arg(prefix, parseError.errorString(), QString::number(parseError.offset)),
                     context);
    }
    const QJsonObject root = doc.object();
    const int version = root.value(QStringLiteral("version")).toInt();
    if (version != s_cassetteVersion) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("%1: unsupported cassette version %2 (expected %3)")
                         .arg(prefix, QString::number(version), QString::number(s_cassetteVersion)),
                     context);
    }
    QList<Entry> entries;
    const QJsonArray array = root.value(QStringLiteral("entries")).toArray();
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QJsonObject json = array.at(i).toObject();
        Result<ChatRequest> request = ChatRequest::fromJson(
            json.value(QStringLiteral("request")).toObject());
        if (!request)
            return Error(request.error())
                .prefixed(QStringLiteral("%1: entry %2").arg(prefix).arg(i + 1));
        Result<ChatReply> reply = ChatReply::fromJson(
            json.value(QStringLiteral("reply")).toObject());
        if (!reply)
            return Error(reply.error())
                .prefixed(QStringLiteral("%1: entry %2").arg(prefix).arg(i + 1));
        // The fingerprint is recomputed rather than trusted, so a hand-edited request still
        // matches what it now says.
        const QString fingerprint = request->fingerprint();
        entries.append(Entry {fingerprint, std::move(request).value(), std::move(reply).value()});
    }
    m_entries = std::move(entries);
    return {};
}

Result<void> CassetteChatModel::save() const
{
    QJsonArray entries;
    for (const Entry &entry : m_entries) {
        entries.append(QJsonObject {{QStringLiteral("fingerprint"), entry.fingerprint},
                                    {QStringLiteral("request"), entry.request.toJson()},
                                    {QStringLiteral("reply"), entry.reply.toJson()}});
    }
    const QJsonObject root {{QStringLiteral("version"), s_cassetteVersion},
                            {QStringLiteral("entries"), entries}};
    QSaveFile file(m_path);
    const auto failed = [this, &file]() {
        return Error(
            ErrorCode::Io,
            QStringLiteral("Could not save cassette %1: %2").arg(m_path, file.errorString()),
            {{QStringLiteral("file"), m_path}});
    };
    if (!file.open(QIODevice::WriteOnly))
        return failed();
    // Indented: cassettes are reviewed in diffs.
    if (file.write(QJsonDocument(root).toJson(QJsonDocument::Indented)) < 0)
        return failed();
    if (!file.commit())
        return failed();
    return {};
}

void CassetteChatModel::complete(const ChatRequest &request, Done done)
{
    Q_ASSERT(QThread::currentThread() == thread());
    const QString fingerprint = request.fingerprint();

    if (m_mode == Mode::Replay) {
        QList<int> matches;
        for (int i = 0; i < m_entries.size(); ++i) {
            if (m_entries.at(i).fingerprint == fingerprint)
                matches.append(i);
        }
        if (matches.isEmpty()) {
            deliverLater(std::move(done), missingError(request, fingerprint));
            return;
        }
        int &served = m_servedCount[fingerprint];
        const int index = matches.at(std::min<qsizetype>(served, matches.size() - 1));
        ++served;
        // Labelled, so the journal and the studio can tell a replay from a live answer.
        ChatReply reply = m_entries.at(index).reply;
        reply.replayedFrom = QFileInfo(m_path).fileName();
        deliverLater(std::move(done), std::move(reply));
        return;
    }

    if (!m_inner) {
        deliverLater(std::move(done),
                     Error(ErrorCode::Internal,
                           QStringLiteral("The model recorded into cassette %1 no longer exists")
                               .arg(m_path)));
        return;
    }
    Q_ASSERT(m_inner->thread() == thread());
    QPointer<CassetteChatModel> self(this);
    m_inner->complete(
        request, [self, request, fingerprint, done = std::move(done)](Result<ChatReply> reply) {
            if (!self)
                return;
            if (!reply) {
                done(std::move(reply));
                return;
            }
            self->m_entries.append(Entry {fingerprint, request, reply.value()});
            Result<void> saved = self->save();
            if (!saved) {
                done(saved.error());
                return;
            }
            done(std::move(reply));
        });
}

Error CassetteChatModel::missingError(const ChatRequest &request, const QString &fingerprint) const
{
    const QString lastUser = request.lastUserMessage();
    QVariantMap context {{QStringLiteral("file"), m_path},
                         {QStringLiteral("fingerprint"), fingerprint}};
    if (m_entries.isEmpty()) {
        return Error(ErrorCode::NotFound,
                     QStringLiteral("Cassette %1 has no recordings, so it cannot replay the "
                                    "request with last user message %2; record it first")
                         .arg(m_path, quoted(lastUser)),
                     context);
    }

    // Closest: most similar last user message, then fewest differing fields.
    int best = -1;
    int bestDistance = 0;
    qsizetype bestDifferences = 0;
    for (int i = 0; i < m_entries.size(); ++i) {
        const ChatRequest &candidate = m_entries.at(i).request;
        const int distance = editDistance(candidate.lastUserMessage(), lastUser);
        const qsizetype differenceCount = differences(candidate, request).size();
        if (best < 0 || distance < bestDistance ||
            (distance == bestDistance && differenceCount < bestDifferences)) {
            best = i;
            bestDistance = distance;
            bestDifferences = differenceCount;
        }
    }
    const Entry &closest = m_entries.at(best);
    QStringList how = differences(closest.request, request);
    if (how.isEmpty())
        how.append(QStringLiteral("details that only the canonical JSON shows"));
    context.insert(QStringLiteral("closestFingerprint"), closest.fingerprint);
    context.insert(QStringLiteral("closestEntry"), best + 1);
    return Error(ErrorCode::NotFound,
                 QStringLiteral("No recording in cassette %1 matches the request with last user "
                                "message %2 (fingerprint %3). Closest is recording %4 of %5, last "
                                "user message %6; it differs in %7. Re-record the cassette if "
                                "the change is intended.")
                     .arg(m_path, quoted(lastUser), fingerprint.left(12), QString::number(best + 1),
                          QString::number(m_entries.size()),
                          quoted(closest.request.lastUserMessage()),
                          how.join(QStringLiteral("; "))),
                 context);
}

QString CassetteChatModel::describe() const
{
    if (m_mode == Mode::Replay)
        return QStringLiteral("cassette replay of %1 (%2 recordings)")
            .arg(QFileInfo(m_path).fileName(), QString::number(m_entries.size()));
    return QStringLiteral("%1, recorded to cassette %2")
        .arg(m_inner ? m_inner->describe() : QStringLiteral("(deleted model)"),
             QFileInfo(m_path).fileName());
}

} // namespace Durable
