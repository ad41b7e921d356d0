extension Library {
    /// The standard library of langdef and every extension Tessera ships.
    public static let all: Library = standard
}
