// SPDX-License-Identifier: MIT
// libFuzzer target: reading an agent package's metadata (the Qt plugin metadata in the library
// file: IID and SDK version) without loading it. The bytes are written to a file named like a
// library, which AgentPackageLoader::readSdkVersion() must refuse or accept, never crash on.
#include <durable/core/agentpackageloader.h>

#include <QCoreApplication>
#include <QFile>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int argc = 1;
    static char name[] = "fuzz_package_metadata";
    static char *argv[] = {name, nullptr};
    static QCoreApplication app(argc, argv); // QPluginLoader wants an application object
    static const QString path =
        QStringLiteral("/dev/shm/durable-fuzz-%1.so").arg(QCoreApplication::applicationPid());
    static const struct RemoveAtExit
    {
        ~RemoveAtExit() { QFile::remove(path); }
    } removeAtExit;
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        std::abort();
    file.write(reinterpret_cast<const char *>(data), qint64(size));
    file.close();
    const auto version = Durable::AgentPackageLoader::readSdkVersion(path);
    if (version ? !Durable::AgentPackageLoader::isCompatible(version.value())
                : version.error().message().isEmpty())
        std::abort();
    return 0;
}
