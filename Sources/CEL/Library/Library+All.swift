extension Library {
    /// The standard library of langdef and every extension Tessera ships.
    public static let all: Library = standard.merging(time).merging(lists).merging(sets).merging(optionals)
        .merging(network).merging(strings).merging(math).merging(encoders)
}
