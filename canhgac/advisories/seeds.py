"""The aliases Canh Gác ships (reviewed; the SOC adds its own in the same table).

Each row: vendor key, product key ("" renames the vendor), the vendor and product to read instead, and why. Keys
are as :mod:`naming` writes them: vendors without separators (``paloaltonetworks``), products with underscores
(``big_ip_local_traffic_manager``); an empty vendor key is a record naming no vendor ("n/a").
"""

from __future__ import annotations

F5_MODULES = ("local_traffic_manager", "ltm", "access_policy_manager", "apm", "advanced_firewall_manager", "afm",
              "advanced_web_application_firewall", "awaf", "application_security_manager", "asm",
              "application_acceleration_manager", "aam", "analytics", "application_visibility_and_reporting",
              "avr", "carrier_grade_nat", "cgnat", "ddos_hybrid_defender", "domain_name_system", "dns",
              "fraud_protection_service", "fps", "global_traffic_manager", "gtm", "link_controller",
              "policy_enforcement_manager", "pem", "ssl_orchestrator", "webaccelerator", "websafe", "edge_gateway",
              "next", "all_modules")

BUILTIN_ALIASES: list[tuple[str, str, str, str, str]] = [
    # Vendor renames and spellings.
    ("synacor", "", "zimbra", "", "Synacor sold Zimbra; KEV still names Synacor"),
    ("pivotal", "", "vmware", "", "Pivotal (Spring) became part of VMware"),
    ("pivotalsoftware", "", "vmware", "", "Pivotal (Spring) became part of VMware"),
    ("vmwarebybroadcom", "", "vmware", "", "VMware by Broadcom"),
    ("phpgroup", "", "php", "", "NVD's vendor for PHP"),
    ("apachesoftwarefoundation", "", "apache", "", "NVD's vendor for Apache projects"),
    ("theapachesoftwarefoundation", "", "apache", "", "NVD's vendor for Apache projects"),
    ("f5networks", "", "f5", "", "F5's former name"),
    ("googlechrome", "", "google", "", ""),
    ("fortinetinc", "", "fortinet", "", ""),
    # Zimbra: NVD's zimbra:zimbra and zimbra:collaboration, KEV's "Zimbra Collaboration Suite (ZCS)".
    ("zimbra", "zimbra", "zimbra", "collaboration", "NVD's older CPE name"),
    ("zimbra", "collaboration_suite", "zimbra", "collaboration", ""),
    ("zimbra", "zcs", "zimbra", "collaboration", ""),
    ("zimbra", "collaboration_server", "zimbra", "collaboration", ""),
    ("zimbra", "zimbra_collaboration", "zimbra", "collaboration", ""),
    ("", "zimbra_collaboration", "zimbra", "collaboration", "records naming no vendor (CVE-2023-37580)"),
    ("", "zimbra_collaboration_suite", "zimbra", "collaboration", "records naming no vendor"),
    ("", "zimbra", "zimbra", "collaboration", "records naming no vendor"),
    # Spring: CNA records name no vendor; NVD says vmware:spring_framework.
    ("", "spring_framework", "vmware", "spring_framework", "CVE-2022-22965 names vendor n/a"),
    ("spring", "spring_framework", "vmware", "spring_framework", ""),
    ("broadcom", "spring_framework", "vmware", "spring_framework", ""),
    ("vmware", "spring", "vmware", "spring_framework", ""),
    # Microsoft names that differ between the CVE records, NVD and inventories.
    ("microsoft", "365_apps_for_enterprise", "microsoft", "365_apps", "NVD: 365_apps (target enterprise)"),
    ("microsoft", "office_ltsc_2021", "microsoft", "office_long_term_servicing_channel_2021", ""),
    ("microsoft", "office_ltsc_2024", "microsoft", "office_long_term_servicing_channel_2024", ""),
    ("microsoft", "iis", "microsoft", "internet_information_services", ""),
    ("microsoft", "exchange", "microsoft", "exchange_server", ""),
    # Others seen in provincial inventories.
    ("mariadb", "mariadb_server", "mariadb", "mariadb", "NVD: mariadb:mariadb"),
    ("apache", "httpd", "apache", "http_server", ""),
    ("apache", "apache2", "apache", "http_server", ""),
    ("openbsd", "ssh", "openbsd", "openssh", ""),
    ("openssh", "openssh", "openbsd", "openssh", ""),
    ("", "openssh", "openbsd", "openssh", ""),
    ("canonical", "ubuntu", "canonical", "ubuntu_linux", ""),
    ("google", "chrome_browser", "google", "chrome", ""),
    ("vmware", "vcenter", "vmware", "vcenter_server", ""),
    ("vmware", "vsphere_esxi", "vmware", "esxi", ""),
    ("oracle", "mysql_server", "oracle", "mysql", ""),
    ("mysql", "mysql", "oracle", "mysql", ""),
    ("fortinet", "fortigate", "fortinet", "fortios", "FortiGate appliances run FortiOS"),
    ("isc", "bind9", "isc", "bind", ""),
    ("wordpress", "wordpress_org", "wordpress", "wordpress", ""),
    # F5: NVD names each BIG-IP module; F5's records and inventories say BIG-IP.
    *[("f5", f"big_ip_{module}", "f5", "big_ip", "BIG-IP module: one appliance version") for module in F5_MODULES],
    ("f5", "bigip", "f5", "big_ip", ""),
    ("f5", "big_ip_tmos", "f5", "big_ip", ""),
]
