/// The names a user selects a target profile by, on the command line and in
/// the explorer: `snapdragon835-big`, `snapdragon835-little`, `cortex-m7`
/// and `this-machine`. A profile's own `identifier` (`sd835-big`, ...) is
/// accepted as well.
public enum TargetSelection {
    /// Selectable names, each with the profile identifier it stands for, in
    /// the order help text lists them.
    public static let names: [(name: String, identifier: String)] = [
        ("snapdragon835-big", TargetProfile.snapdragon835Big.identifier),
        ("snapdragon835-little", TargetProfile.snapdragon835Little.identifier),
        ("cortex-m7", TargetProfile.cortexM7.identifier),
        (MachineProfile.identifier, MachineProfile.identifier),
    ]

    /// Returns the profile called `name`. `machine` supplies this machine's
    /// measured profile and is called only when `name` selects it.
    public static func profile(named name: String,
                               machine: () -> TargetProfile) throws(TargetSelectionError) -> TargetProfile {
        let identifier = names.first { $0.name == name }?.identifier ?? name
        if identifier == MachineProfile.identifier { return machine() }
        guard let profile = TargetProfile.builtIn.first(where: { $0.identifier == identifier }) else {
            throw .unknownTarget(name)
        }
        return profile
    }
}

/// A target name that selects no profile.
public enum TargetSelectionError: Error, Equatable, CustomStringConvertible {
    case unknownTarget(String)

    public var description: String {
        switch self {
        case .unknownTarget(let name):
            return "unknown target '\(name)'; choose one of "
                + TargetSelection.names.map(\.name).joined(separator: ", ")
        }
    }
}
