// Text made safe inside HTML and XML (element content and quoted attributes), for reports, the
// rendered SOP document and notification templates alike.
#pragma once

#include <string>
#include <string_view>

namespace siaga {

std::string HtmlEscape(std::string_view text);

}  // namespace siaga
