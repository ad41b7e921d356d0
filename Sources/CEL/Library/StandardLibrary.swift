extension Library {
    /// The standard definitions of langdef: operators, `size`, `in`, conversions, type values, string
    /// tests and regular expressions.
    public static let standard: Library = {
        var library = Library()
        library.defineArithmetic()
        library.defineComparisons()
        library.defineCollections()
        library.defineConversions()
        library.defineStringTests()
        library.defineOverloads()
        return library
    }()
}
