// SPDX-License-Identifier: MIT
#pragma once

#include <durable/core/classoptions.h>
#include <durable/core/durableobject.h>

#include <QString>

#include <memory>
#include <type_traits>

namespace Durable {

// One class an agent package provides: its name, a factory and its options. A value type, so a
// package can describe its classes before any engine exists; AgentPackageLoader checks them
// (names taken, no factory) and registers them into each engine it is given.
//
//     Durable::ClassRegistration::of<Greeter>(QStringLiteral("Greeter"), options)
struct ClassRegistration
{
    QString name;
    ObjectFactory factory;
    ClassOptions options;

    // Like Engine::registerClass<T>(): works out ClassOptions::handlesAlarms from T.
    template<typename T>
    static ClassRegistration of(const QString &name, ClassOptions options = {})
    {
        static_assert(std::is_base_of_v<DurableObject, T>,
                      "a class must derive from DurableObject");
        using BaseAlarm = void (DurableObject::*)(const AlarmInfo &);
        options.handlesAlarms = !std::is_same_v<decltype(&T::onAlarm), BaseAlarm>;
        return {name, [] { return std::unique_ptr<DurableObject>(new T); }, std::move(options)};
    }
};

} // namespace Durable
