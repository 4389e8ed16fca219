// SPDX-License-Identifier: MIT
#include <durable/core/modelchoice.h>

#include <durable/core/cassettechatmodel.h>
#include <durable/core/openaichatmodel.h>
#include <durable/core/openaiconfig.h>

#include <QFileInfo>
#include <QLoggingCategory>

namespace Durable {

Q_LOGGING_CATEGORY(lcModelChoice, "durable.models")

Result<ModelChoice> ModelChoice::parse(const QString &spec)
{
    const QString text = spec.trimmed();
    ModelChoice choice;
    if (text == QLatin1String("scripted")) {
        choice.m_kind = Kind::Scripted;
        return choice;
    }
    if (text == QLatin1String("openai")) {
        choice.m_kind = Kind::OpenAi;
        return choice;
    }
    const QLatin1String cassettePrefix("cassette:");
    if (!text.startsWith(cassettePrefix)) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("Unknown model \"%1\": use %2").arg(text, syntax()));
    }
    const QString file = text.mid(cassettePrefix.size());
    if (file.isEmpty()) {
        return Error(ErrorCode::InvalidArgument,
                     QStringLiteral("--model cassette: needs a file, as in "
                                    "cassette:recordings/screening.cassette.json"));
    }
    choice.m_kind = Kind::Cassette;
    choice.m_cassettePath = QFileInfo(file).absoluteFilePath();
    // Loaded once here for its errors (missing, unreadable, not a cassette); each worker loads
    // its own copy when its first model call comes.
    if (auto loaded = CassetteChatModel::replay(choice.m_cassettePath); !loaded)
        return loaded.error().prefixed(QStringLiteral("--model %1").arg(text));
    return choice;
}

QString ModelChoice::optionHelp()
{
    return QStringLiteral("Where agents' model calls go: scripted (each agent's scripted rules, no "
                          "network), openai (OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL) or "
                          "cassette:FILE (replies recorded in FILE). Default: DURABLE_MODEL=openai "
                          "if set, else scripted.");
}

QString ModelChoice::spec() const
{
    switch (m_kind) {
    case Kind::Environment:
        return {};
    case Kind::Scripted:
        return QStringLiteral("scripted");
    case Kind::OpenAi:
        return QStringLiteral("openai");
    case Kind::Cassette:
        return QStringLiteral("cassette:") + m_cassettePath;
    }
    return {};
}

ModelProvider ModelChoice::provider() const
{
    switch (m_kind) {
    case Kind::Environment:
    case Kind::Scripted:
        return {};
    case Kind::OpenAi:
        return [](Clock *) -> std::unique_ptr<ChatModel> {
            return std::make_unique<OpenAiChatModel>(OpenAiConfig::fromEnvironment());
        };
    case Kind::Cassette:
        return [path = m_cassettePath](Clock *) -> std::unique_ptr<ChatModel> {
            auto replay = CassetteChatModel::replay(path);
            if (!replay) {
                // The file changed since parse() read it; the call fails with the engine's
                // "made no model" error, and this says why.
                qCWarning(lcModelChoice).noquote() << replay.error().message();
                return nullptr;
            }
            return std::move(replay).value();
        };
    }
    return {};
}

} // namespace Durable
