// SPDX-License-Identifier: MIT
#pragma once

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QJsonValue>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace Durable {
class AgentPackageLoader;
class ModelChoice;
} // namespace Durable

namespace Durable::Cli {

// The parser of one `durable` subcommand with the conventions every command shares: --help,
// errors on stderr with exit code 2, and the common --data, --json, --agents and --demo options.
class CommandLine
{
public:
    CommandLine(const QString &command, const QString &description);

    QCommandLineParser &parser() { return m_parser; }
    const QCommandLineParser &parser() const { return m_parser; }
    void addOption(const QCommandLineOption &option);

    // arguments: the subcommand's arguments, without "durable" and the command name. Returns an
    // exit code when the command should stop (help shown: 0; usage error: 2), or nothing.
    std::optional<int> parse(const QStringList &arguments);
    // The --help text, its usage line naming the command: "Usage: durable test [options] ...".
    QString helpText() const;
    // Prints "durable <command>: <message>" and a hint to stderr; returns the usage exit code.
    int usageError(const QString &message) const;

    static QCommandLineOption dataOption();
    static QCommandLineOption jsonOption();
    // --agents DIR, repeatable: directories (or files) of agent packages to load.
    static QCommandLineOption agentsOption();
    // --demo: load the demo agents package (Recruitment, Assistant, Counter, Reminder).
    static QCommandLineOption demoOption();
    // Adds --agents and --demo, for the commands that start an engine.
    void addAgentOptions();
    // --model scripted|openai|cassette:FILE: where agents' model calls go (ModelChoice).
    static QCommandLineOption modelOption();
    void addModelOption() { addOption(modelOption()); }
    // The --model choice (after parse()); the usage error's exit code if it is wrong.
    std::optional<int> readModel(ModelChoice &choice) const;

    // Loads the demo agents if --demo was given, then the packages of every --agents (after
    // parse()) into loader, saying on stderr which were loaded and why any was refused. Returns
    // false if any failed.
    bool loadAgentPackages(AgentPackageLoader &loader) const;

    static void printOut(const QString &text);
    // Rows as aligned columns under header (the last column unpadded); "(none)" when empty.
    static void printTable(const QStringList &header, const QList<QStringList> &rows);
    // An object or array as indented JSON.
    static void printJson(const QJsonValue &value);
    static void printErr(const QString &text);

private:
    QString m_command;
    QCommandLineParser m_parser;
};

} // namespace Durable::Cli
