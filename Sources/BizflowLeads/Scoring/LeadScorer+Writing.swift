import BizflowEvents

extension LeadScorer {
    /// Writes the `LeadScored` of the lead `lead` reads from `bytes` — every field but `lead` (13), which the caller
    /// appends from bytes it holds — in swift-protobuf's field order. `scoredAt` is an encoded `Timestamp` (nil:
    /// unset); `override` is a person's score, put before the rules' reasons.
    func write(
        _ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer, activity: Activity, override: ScoreOverrideEntry?,
        scoredAt: [UInt8]?, model: ModelPart? = nil, to writer: inout WireWriter
    ) {
        var reasons = ReasonCandidates()
        func reason(_ component: StaticString, _ factor: StaticString, _ points: Int, _ detail: ReasonCandidates.Detail) {
            if points != 0 { reasons.append(.init(component: component, factor: factor, points: points, detail: detail)) }
        }
        typealias F = LeadCapturedView.Field

        // Demographic: seniority from the title, country tier.
        let titlePoints = seniorityPoints(lead, bytes)
        reason("demographic", "seniority", titlePoints, .text(lead.jobTitle))
        let countryPoints =
            lead.country.isEmpty ? 0
            : self.countryPoints.first { ASCIIText.equals(bytes, lead.country, $0.code) }?.points
                ?? config.demographic.defaultCountryPoints
        reason("demographic", "country", countryPoints, .text(lead.country))
        let demographic = clamp(titlePoints + countryPoints)

        // Firmographic: size, industry, budget, timeline, service needs.
        let f = config.firmographic
        let sizePoints = points(Int64(lead.companySize), companySizeThresholds)
        reason("firmographic", "company_size", sizePoints, .count(Int(lead.companySize), "employees"))
        let industryPoints =
            lead.industry.isEmpty ? 0
            : self.industryPoints.first { ASCIIText.equals(bytes, lead.industry, $0.name) }?.points ?? f.defaultIndustryPoints
        reason("firmographic", "industry", industryPoints, .text(lead.industry))
        let budgetPoints = lead.budget != nil ? points(lead.budgetAmountMinor, budgetThresholds) : 0
        reason("firmographic", "budget", budgetPoints, .budget)
        let timelinePoints = timelinePoints.indices.contains(Int(lead.timeline)) ? timelinePoints[Int(lead.timeline)] : 0
        reason("firmographic", "timeline", timelinePoints, .timeline)
        let servicePoints = min(f.maxServicePoints, f.pointsPerService * lead.serviceCount)
        reason("firmographic", "services", servicePoints, .services)
        let firmographic = clamp(sizePoints + industryPoints + budgetPoints + timelinePoints + servicePoints)

        // Behavioural: site visits and downloads, captured and later.
        let b = config.behavioural
        let visits = Int(lead.websiteVisits) + activity.visits
        let downloads = Int(lead.contentDownloads) + activity.downloads
        let visitPoints = min(b.maxWebsitePoints, visits * b.websiteVisit)
        let downloadPoints = min(b.maxDownloadPoints, downloads * b.contentDownload)
        reason("behavioural", "website_visits", visitPoints, .count(visits, "visits"))
        reason("behavioural", "content_downloads", downloadPoints, .count(downloads, "downloads"))
        let behavioural = clamp(visitPoints + downloadPoints)

        // Engagement: opens, clicks, replies, meetings.
        let e = config.engagement
        let opens = Int(lead.emailOpens) + activity.opens
        reason("engagement", "email_opens", opens * e.emailOpen, .count(opens, "opens"))
        reason("engagement", "email_clicks", activity.clicks * e.emailClick, .count(activity.clicks, "clicks"))
        reason("engagement", "replies", activity.replies * e.reply, .count(activity.replies, "replies"))
        reason("engagement", "meetings", activity.meetings * e.meetingBooked, .count(activity.meetings, "meetings"))
        let engagement = clamp(
            opens * e.emailOpen + activity.clicks * e.emailClick + activity.replies * e.reply
                + activity.meetings * e.meetingBooked)

        let w = config.weights
        let weightSum = w.demographic + w.firmographic + w.behavioural + w.engagement
        let weighted =
            (Double(demographic) * w.demographic + Double(firmographic) * w.firmographic
                + Double(behavioural) * w.behavioural + Double(engagement) * w.engagement) / weightSum
        let rulesTotal = clamp(Int(weighted.rounded()))
        let total = model.map { clamp($0.total(rules: rulesTotal)) } ?? rulesTotal
        let disqualified = disqualification(lead, bytes)

        writer.bytes(1, UnsafeRawBufferPointer(rebasing: bytes[lead.leadID]))
        writer.bytes(2, UnsafeRawBufferPointer(rebasing: bytes[lead.tenantID]))
        writer.int32(3, Int32(demographic))
        writer.int32(4, Int32(firmographic))
        writer.int32(5, Int32(behavioural))
        writer.int32(6, Int32(engagement))
        writer.int32(7, Int32(override?.score ?? total))
        let band = disqualified != nil ? QualificationBand.disqualified.rawValue : self.band(total).rawValue
        writer.int32(8, Int32(override?.band ?? band))
        writer.double(9, Self.confidence(lead))
        if let override {
            writer.message(10) { reason in
                reason.string(1, "override")
                reason.string(2, override.actor)
                reason.int32(3, Int32(override.score))
                reason.string(4, override.reason)
            }
        }
        if let disqualified {
            writer.message(10) { reason in
                reason.string(1, "disqualification")
                reason.text(2, disqualified.factor)
                writeDisqualificationDetail(disqualified.detail, lead, bytes, to: &reason)
            }
        } else {
            reasons.sortByPointsThenFactor()
            for index in 0..<min(config.topReasons, reasons.count) {
                writeReason(reasons[index], lead, bytes, to: &writer)
            }
        }
        for (feature, contribution) in model?.reasons ?? [] {
            writer.message(10) { reason in
                reason.text(1, "model")
                reason.string(2, feature)
                reason.int32(3, Int32((contribution * 10).rounded()))  // tenths of the logit
                reason.string(4, "model \(model!.version)")
            }
        }
        writer.bytes(11, version)
        writer.bool(12, override != nil)
        if let scoredAt {
            writer.tag(14, 2)
            writer.varint(UInt64(scoredAt.count))
            writer.bytes.append(contentsOf: scoredAt)
        }
        if let model {
            writer.string(15, model.version)
            writer.int32(16, Int32(model.score))
            writer.int32(17, Int32(rulesTotal))
        }
    }

    /// The model's view of the lead `lead` reads from `bytes`, with its engagement since.
    func features(_ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer, activity: Activity) -> LeadFeatures {
        var features = LeadFeatures()
        features.companySize = Int(lead.companySize)
        features.industry = ASCIIText.string(bytes, lead.industry)
        features.jobTitle = ASCIIText.string(bytes, lead.jobTitle)
        features.country = ASCIIText.string(bytes, lead.country)
        features.source = Int(lead.source)
        features.budgetMinor = lead.budget == nil ? 0 : lead.budgetAmountMinor
        features.timeline = Int(lead.timeline)
        features.services = lead.serviceCount
        features.websiteVisits = Int(lead.websiteVisits) + activity.visits
        features.contentDownloads = Int(lead.contentDownloads) + activity.downloads
        features.emailOpens = Int(lead.emailOpens) + activity.opens
        features.clicks = activity.clicks
        features.replies = activity.replies
        features.meetings = activity.meetings
        features.consentGranted = lead.marketingConsent == Int32(Consent.granted.rawValue)
        return features
    }

    private func writeReason(
        _ candidate: ReasonCandidates.Candidate, _ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer,
        to writer: inout WireWriter
    ) {
        writer.message(10) { reason in
            reason.text(1, candidate.component)
            reason.text(2, candidate.factor)
            reason.int32(3, Int32(candidate.points))
            reason.text(4) { text in
                switch candidate.detail {
                case .text(let range):
                    text.raw(UnsafeRawBufferPointer(rebasing: bytes[range]))
                case .count(let count, let unit):
                    text.decimal(count)
                    text.bytes.append(32)
                    text.append(unit)
                case .budget:
                    text.decimal(Int(lead.budgetAmountMinor / 100))
                    text.bytes.append(32)
                    text.raw(UnsafeRawBufferPointer(rebasing: bytes[lead.budgetCurrency]))
                case .timeline:
                    text.bytes.append(contentsOf: Self.timelineName(lead.timeline))
                case .services:
                    var first = true
                    lead.services(in: bytes) { service in
                        if !first { text.bytes.append(contentsOf: [44, 32]) }  // ", "
                        first = false
                        text.raw(UnsafeRawBufferPointer(rebasing: bytes[service]))
                    }
                }
            }
        }
    }

    /// Points of the first title rule with a word in the job title.
    private func seniorityPoints(_ lead: LeadCapturedView, _ bytes: UnsafeRawBufferPointer) -> Int {
        guard !lead.jobTitle.isEmpty else { return titleRules.first { $0.words.contains { $0.isEmpty } }?.points ?? 0 }
        if lead.isASCII(LeadCapturedView.Field.jobTitle) {
            return titleRules.first { rule in
                rule.words.contains { ASCIIText.containsFolded(bytes, lead.jobTitle, $0) }
            }?.points ?? 0
        }
        let title = Array(ASCIIText.lowercased(ASCIIText.string(bytes, lead.jobTitle)).utf8)
        return titleRules.first { rule in rule.words.contains { ASCIIText.contains(title, $0) } }?.points ?? 0
    }
}
