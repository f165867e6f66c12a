import Logging
import ServiceLifecycle
import UnixSignals

extension ServiceGroup {
    /// A group of the long-running commands (`serve`, `demo`, `relay`, `follow`): SIGTERM and
    /// SIGINT shut it down gracefully, each service after the one listed behind it has returned
    /// (so list the log first and what uses it after). A service that throws cancels the others
    /// and the group throws its error.
    static func stoppedBySignals(_ services: [ServiceGroupConfiguration.ServiceConfiguration], logger: Logger = Logger(label: "lumbung"))
        -> ServiceGroup
    {
        ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
    }
}
