@_exported import BizflowKafka
@_exported import BizflowTopology
@_exported import Foundation
@_exported import ArgumentParser
