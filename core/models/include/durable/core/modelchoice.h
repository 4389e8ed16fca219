// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/modelprovider.h>
#include <durable/core/result.h>

#include <QString>

namespace Durable {

// Where agents' model calls go, engine-wide, as a user names it: `--model` on `durable
// run|serve|test` and on the studio.
//   scripted       each agent class answers from its own Agent::scriptedRules(); no network,
//                  whatever DURABLE_MODEL says
//   openai         an OpenAI-compatible server from OPENAI_BASE_URL, OPENAI_API_KEY, OPENAI_MODEL
//   cassette:FILE  replies recorded in FILE (CassetteChatModel), served by request; a request
//                  that was not recorded fails, naming the closest recording
// The default (no --model) leaves the choice to the environment, as before: DURABLE_MODEL=openai
// or scripted rules. Replies say where they came from (ChatReply::provider, scripted,
// replayedFrom) whatever the choice.
class ModelChoice
{
public:
    enum class Kind { Environment, Scripted, OpenAi, Cassette };

    ModelChoice() = default;
    // Refuses an unknown name, and a cassette that cannot be read (checked now, so a typo fails
    // at start, not at the first model call). A relative FILE is taken from the current
    // directory.
    static Result<ModelChoice> parse(const QString &spec);
    static QString syntax() { return QStringLiteral("scripted, openai or cassette:FILE"); }
    // The --model option's help, the same for the CLI and the studio.
    static QString optionHelp();

    Kind kind() const { return m_kind; }
    QString cassettePath() const { return m_cassettePath; }
    // As the user would write it again (cassette with its absolute path); empty for Environment.
    QString spec() const;
    // What to put in EngineOptions: the provider (empty for Scripted and Environment), and
    // whether the environment may still choose (only for Environment).
    ModelProvider provider() const;
    bool leavesChoiceToEnvironment() const { return m_kind == Kind::Environment; }

private:
    Kind m_kind = Kind::Environment;
    QString m_cassettePath;
};

} // namespace Durable
