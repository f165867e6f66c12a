import Testing
@testable import AidLogistics
