"""How a decision-maker picks its levers: motivation types, payoffs, learning, imitation.

Nothing here knows which service the decision-maker works in. A domain declares its
levers (named, bounded intensities with a kind such as "gaming" or "fraud"); this layer
chooses their settings each decision period from experienced payoffs and from peers.
"""

from sim.behaviour.decision_maker import DecisionMaker
from sim.behaviour.improvement import Capability, ImprovementSettings, budget_scale, steady_state
from sim.behaviour.learning import LeverLearner
from sim.behaviour.levers import DISHONEST, KINDS, Lever
from sim.behaviour.motivation import MotivationType, assign_types
from sim.behaviour.payoff import Payoff
from sim.behaviour.settings import BehaviourSettings, MotivationSettings, RELSettings

__all__ = [
    "DISHONEST",
    "KINDS",
    "BehaviourSettings",
    "Capability",
    "DecisionMaker",
    "ImprovementSettings",
    "Lever",
    "LeverLearner",
    "MotivationSettings",
    "MotivationType",
    "Payoff",
    "RELSettings",
    "assign_types",
    "budget_scale",
    "steady_state",
]
