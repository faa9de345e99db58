"""Fields every real Cloud SQL instance carries (recorded traffic) that a DR runbook does not act
on, filled in so the simulator's answers have the shape of real ones."""

from __future__ import annotations

from typing import Any

from drp_console.sim.world import World, rfc3339

DAY = 86400.0

_MINOR = {"POSTGRES_16": "POSTGRES_16_4", "POSTGRES_15": "POSTGRES_15_8",
          "MYSQL_8_0": "MYSQL_8_0_39", "MYSQL_8_4": "MYSQL_8_4_7"}


def real_sql_fields(world: World, inst: dict[str, Any], version: str, now: float) -> None:
    """Fields every real DatabaseInstance carries that a DR runbook does not act on."""
    installed = _MINOR.get(version, version)
    inst.update(
        databaseInstalledVersion=installed, maintenanceVersion=f"{installed}.R20261004.01_24",
        satisfiesPzi=True, sqlNetworkArchitecture="NEW_NETWORK_ARCHITECTURE",
        includeReplicasForMajorVersionUpgrade=False,
        geminiConfig={"entitled": False, "flagRecommenderEnabled": True,
                      "activeQueryEnabled": False, "indexAdvisorEnabled": False},
        upgradableDatabaseVersions=[{"majorVersion": version, "name": installed,
                                     "displayName": installed.replace("_", " ").title()}],
        serverCaCert={"kind": "sql#sslCert", "certSerialNumber": "0",
                      "cert": "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
                      "commonName": "C=US,O=Google\\, Inc,CN=Google Cloud SQL Server CA",
                      "sha1Fingerprint": world.new_id()[-12:], "instance": inst["name"],
                      "createTime": rfc3339(now - 400 * DAY),
                      "expirationTime": rfc3339(now + 3250 * DAY)})
    settings = inst["settings"]
    mysql = version.startswith("MYSQL")
    backup = settings["backupConfiguration"]
    backup.update(backupTier="STANDARD", replicationLogArchivingEnabled=False,
                  transactionalLogStorageState="CLOUD_STORAGE")
    if mysql:
        backup["binaryLogEnabled"] = backup["pointInTimeRecoveryEnabled"]
    settings.update(deletionProtectionEnabled=False, connectorEnforcement="NOT_REQUIRED",
                    storageAutoResizeLimit="0", authorizedGaeApplications=[],
                    replicationLagMaxSeconds=31536000)
    settings["ipConfiguration"].update(requireSsl=True, serverCaMode="GOOGLE_MANAGED_INTERNAL_CA")


def designate_dr_replica(world: World, primary: dict[str, Any]) -> None:
    """An Enterprise Plus primary's first replica in another region is its DR replica
    (`replicationCluster`), what advanced DR (switchover, replica failover) needs."""
    if primary.get("instanceType") == "READ_REPLICA_INSTANCE" or \
            primary["settings"].get("edition") != "ENTERPRISE_PLUS":
        return
    for name in primary["replicaNames"]:
        replica = world.data["sql"].get(name)
        if replica is not None and replica["region"] != primary["region"]:
            primary["replicationCluster"] = {"failoverDrReplicaName": name, "drReplica": False}
            replica["replicationCluster"] = {"drReplica": True}
            return
