-- wrk script: POST /v1/exchange/lookups for the national numbers in $INSZ_FILE, Bearer $TOKEN.
local numbers = {}
for line in io.lines(os.getenv("INSZ_FILE")) do numbers[#numbers + 1] = line end
local token = os.getenv("TOKEN")
local counter = math.random(1, #numbers)

request = function()
    counter = counter + 1
    local insz = numbers[(counter % #numbers) + 1]
    local body = '{"insz":"' .. insz .. '","purpose":"ART_1_2_INTEGRATION_EFFORTS","caseReference":"BENCH","referenceDate":"2026-11-01"}'
    return wrk.format("POST", "/v1/exchange/lookups", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
-- wrk itself reports "Non-2xx or 3xx responses" when any lookup is refused.
